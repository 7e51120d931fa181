#include "data/envs/mujoco_model.h"

#include "src/error.h"

#include <map>
#include <mutex>

namespace diffctl {

MujocoModel load_mujoco_model(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, MujocoModel> loaded;
  std::lock_guard<std::mutex> lock(mutex);  // MuJoCo's XML parser is not reentrant
  if (const auto found = loaded.find(path); found != loaded.end()) return found->second;
  char error[1000] = "";
  mjModel* model = mj_loadXML(path.c_str(), nullptr, error, sizeof(error));
  if (model == nullptr) {
    std::string message(error);
    for (char& c : message) c = c == '\n' ? ' ' : c;
    throw InputError(path + ": not a loadable MuJoCo model (" + message + ")");
  }
  MujocoModel shared(model, [](const mjModel* m) { mj_deleteModel(const_cast<mjModel*>(m)); });
  loaded.emplace(path, shared);
  return shared;
}

MujocoData make_mujoco_data(const MujocoModel& model) {
  mjData* data = mj_makeData(model.get());
  if (data == nullptr) throw Error("make_mujoco_data: MuJoCo could not allocate the simulation state");
  return MujocoData(data, mj_deleteData);
}

}  // namespace diffctl
