#include "data/envs/control_suite_swimmer.h"

#include "data/envs/control_suite_tolerance.h"
#include "src/error.h"
#include "src/random/counter_random.h"

#include <cmath>
#include <sstream>

namespace diffctl {

std::string ControlSuiteSwimmer::model_xml(int links) {
  std::ostringstream xml;
  xml << R"(<mujoco model="swimmer)" << links << R"(">
  <option timestep="0.002" density="3000">
    <flag contact="disable"/>
  </option>
  <default>
    <default class="swimmer">
      <joint type="hinge" pos="0 -.05 0" axis="0 0 1" limited="true" solreflimit=".05 1" solimplimit="0 .8 .1" armature="1e-6"/>
      <default class="inertial">
        <geom type="box" size=".001 .05 .01" mass=".01"/>
      </default>
      <default class="visual">
        <geom type="capsule" size=".01" fromto="0 -.05 0 0 .05 0" mass="0"/>
      </default>
      <site size=".01"/>
    </default>
    <default class="free">
      <joint limited="false" stiffness="0" armature="0"/>
    </default>
    <motor gear="5e-4" ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <body name="head" pos="0 0 .05" childclass="swimmer">
      <geom name="head" type="ellipsoid" size=".02 .04 .017" pos="0 -.022 0" mass="0"/>
      <geom name="nose" type="sphere" pos="0 -.06 0" size=".004" mass="0"/>
      <joint name="rootx" class="free" type="slide" axis="1 0 0" pos="0 -.05 0"/>
      <joint name="rooty" class="free" type="slide" axis="0 1 0" pos="0 -.05 0"/>
      <joint name="rootz" class="free" type="hinge" axis="0 0 1" pos="0 -.05 0"/>
      <geom name="inertial" class="inertial"/>
      <geom name="visual" class="visual"/>
      <site name="head"/>
)";
  const double limit = 360.0 / links;  // degrees, MJCF's default angle unit
  for (int i = 0; i < links - 1; ++i) {
    xml << std::string(6 + 2 * i, ' ') << "<body name=\"segment_" << i << "\" pos=\"0 .1 0\">"
        << "<geom class=\"visual\" name=\"visual_" << i << "\"/><geom class=\"inertial\" name=\"inertial_" << i
        << "\"/><site name=\"site_" << i << "\"/><joint name=\"joint_" << i << "\" range=\"" << -limit << ' ' << limit
        << "\"/>\n";
  }
  for (int i = links - 2; i >= 0; --i) xml << std::string(6 + 2 * i, ' ') << "</body>\n";
  xml << "    </body>\n  </worldbody>\n  <actuator>\n";
  for (int i = 0; i < links - 1; ++i) xml << "    <motor name=\"motor_" << i << "\" joint=\"joint_" << i << "\"/>\n";
  // Each body's velocity in its own frame, head first.
  xml << "  </actuator>\n  <sensor>\n    <velocimeter name=\"head_velocimeter\" site=\"head\"/>\n"
      << "    <gyro name=\"head_gyro\" site=\"head\"/>\n";
  for (int i = 0; i < links - 1; ++i) {
    xml << "    <velocimeter name=\"velocimeter_" << i << "\" site=\"site_" << i << "\"/>\n"
        << "    <gyro name=\"gyro_" << i << "\" site=\"site_" << i << "\"/>\n";
  }
  xml << "  </sensor>\n</mujoco>\n";
  return xml.str();
}

namespace {
int swimmer_links(int links) {
  if (links < 3) throw InputError("control suite swimmer: expected at least 3 links, got " + std::to_string(links));
  return links;
}
}  // namespace

ControlSuiteSwimmer::ControlSuiteSwimmer(int links)
    : MujocoEnv(load_mujoco_model_from_text("control_suite_swimmer" + std::to_string(links) + ".xml",
                                            model_xml(swimmer_links(links)))),
      links_(links),
      head_(mj_name2id(model_.get(), mjOBJ_BODY, "head")),
      nose_(mj_name2id(model_.get(), mjOBJ_GEOM, "nose")) {}

void ControlSuiteSwimmer::reset(uint64_t seed, double* observation) {
  CounterRandom random(seed);
  mj_resetData(model_.get(), data_.get());
  // The suite's randomize_limited_and_rotational_joints: limited joints uniform in their
  // range, unlimited hinges (the root's) uniform in ±π, slides untouched.
  for (int joint = 0; joint < model_->njnt; ++joint) {
    const int address = model_->jnt_qposadr[joint];
    if (model_->jnt_limited[joint]) {
      data_->qpos[address] = random.uniform(model_->jnt_range[2 * joint], model_->jnt_range[2 * joint + 1]);
    } else if (model_->jnt_type[joint] == mjJNT_HINGE) {
      data_->qpos[address] = random.uniform(-M_PI, M_PI);
    }
  }
  const double box = random.uniform(0.0, 1.0) < 0.2 ? 0.3 : 2.0;
  for (double& coordinate : target_) coordinate = random.uniform(-box, box);
  mj_forward(model_.get(), data_.get());
  observe(observation);
}

StepResult ControlSuiteSwimmer::step(const double* action, double* observation) {
  for (int i = 0; i < model_->nu; ++i) data_->ctrl[i] = action[i];
  for (int k = 0; k < kFrameSkip; ++k) mj_step(model_.get(), data_.get());
  mj_forward(model_.get(), data_.get());  // positions and sensors of the new state
  observe(observation);
  const double* nose_to_target = observation + links_ - 1;
  const double distance = std::hypot(nose_to_target[0], nose_to_target[1]);
  return {tolerance(distance, 0.0, kTargetSize, 5 * kTargetSize, ToleranceSigmoid::long_tail), false};
}

void ControlSuiteSwimmer::observe(double* observation) const {
  double* out = observation;
  for (int i = 3; i < model_->nq; ++i) *out++ = data_->qpos[i];
  const double* nose = data_->geom_xpos + 3 * nose_;
  const double* R = data_->xmat + 9 * head_;  // row-major: world = R · head
  const double offset[2] = {target_[0] - nose[0], target_[1] - nose[1]};  // the target is at the nose's height
  for (int b = 0; b < 2; ++b) *out++ = offset[0] * R[b] + offset[1] * R[3 + b];  // (Rᵀ·offset)[b]
  for (int body = 0; body < links_; ++body) {
    const double* sensors = data_->sensordata + 6 * body;  // velocimeter, then gyro
    *out++ = sensors[0];
    *out++ = sensors[1];
    *out++ = sensors[5];
  }
}

}  // namespace diffctl
