#pragma once

#include <mujoco/mujoco.h>

#include <memory>
#include <string>

namespace diffctl {

// An immutable MuJoCo model shared by every environment instance built from it; each
// instance keeps its own mjData (the simulation state), so instances step on separate
// threads.
using MujocoModel = std::shared_ptr<const mjModel>;
using MujocoData = std::unique_ptr<mjData, void (*)(mjData*)>;

// Loads an MJCF file once per path (later calls return the same model). A missing or
// malformed file is an InputError naming the file and MuJoCo's message.
MujocoModel load_mujoco_model(const std::string& path);
// The same for MJCF text made in code, cached under `name` (which ends in .xml).
MujocoModel load_mujoco_model_from_text(const std::string& name, const std::string& xml);

// A fresh simulation state for `model`, at its reference configuration.
MujocoData make_mujoco_data(const MujocoModel& model);

}  // namespace diffctl
