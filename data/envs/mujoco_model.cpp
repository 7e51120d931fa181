#include "data/envs/mujoco_model.h"

#include "src/error.h"

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace diffctl {

namespace {

// Loads through `load` (from a file or a virtual file) once per name; MuJoCo's XML parser is
// not reentrant, so one load at a time.
MujocoModel load_once(const std::string& name, const std::function<mjModel*(char* error, int size)>& load) {
  static std::mutex mutex;
  static std::map<std::string, MujocoModel> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (const auto found = loaded.find(name); found != loaded.end()) return found->second;
  char error[1000] = "";
  mjModel* model = load(error, sizeof(error));
  if (model == nullptr) {
    std::string message(error);
    for (char& c : message) c = c == '\n' ? ' ' : c;
    throw InputError(name + ": not a loadable MuJoCo model (" + message + ")");
  }
  MujocoModel shared(model, [](const mjModel* m) { mj_deleteModel(const_cast<mjModel*>(m)); });
  loaded.emplace(name, shared);
  return shared;
}

}  // namespace

MujocoModel load_mujoco_model(const std::string& path) {
  return load_once(path, [&](char* error, int size) { return mj_loadXML(path.c_str(), nullptr, error, size); });
}

MujocoModel load_mujoco_model_from_text(const std::string& name, const std::string& xml) {
  return load_once(name, [&](char* error, int size) -> mjModel* {
    auto files = std::make_unique<mjVFS>();  // about 2 MB of name slots: not on the stack
    mj_defaultVFS(files.get());
    if (mj_makeEmptyFileVFS(files.get(), name.c_str(), static_cast<int>(xml.size())) != 0) {
      std::snprintf(error, size, "could not make a virtual file");
      return nullptr;
    }
    std::memcpy(files->filedata[mj_findFileVFS(files.get(), name.c_str())], xml.data(), xml.size());
    mjModel* model = mj_loadXML(name.c_str(), files.get(), error, size);
    mj_deleteVFS(files.get());
    return model;
  });
}

MujocoData make_mujoco_data(const MujocoModel& model) {
  mjData* data = mj_makeData(model.get());
  if (data == nullptr) throw Error("make_mujoco_data: MuJoCo could not allocate the simulation state");
  return MujocoData(data, mj_deleteData);
}

}  // namespace diffctl
