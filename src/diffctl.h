#pragma once

// diffctl: policy optimisation through structured, differentiable models on LibTorch.
// The umbrella header; installed as <diffctl/diffctl.h>.

#include "src/error.h"
#include "src/device.h"
#include "src/seeding.h"
#include "src/config/config_reader.h"
#include "src/config/config_source.h"
#include "src/cli/run_options.h"
#include "src/io/atomic_file.h"
#include "src/training/metrics_log.h"
#include "src/training/progress_bar.h"
#include "src/stats/percentile.h"
#include "src/export/torchscript_export.h"
#include "src/autograd/gradient_check.h"
#include "src/implicit/implicit_function.h"
#include "src/linalg/eigen_conversion.h"
#include "src/lqr/lqr_systems.h"
#include "src/lqr/discrete_lyapunov.h"
#include "src/lqr/lqr_cost.h"
#include "src/lqr/discount_annealing.h"
#include "src/lqr/reference_lqr.h"
#include "src/lcp/interior_point.h"
#include "src/lcp/reference_lcp.h"
#include "src/lcp/p_matrix.h"
#include "src/lcp/smoothing.h"
#include "src/lcp/lcs_dynamics.h"

#include "modules/linear_policy.h"
#include "modules/p_matrix_parameterization.h"
#include "modules/lcs_layer.h"

#include "data/data_path.h"
#include "data/lcs/random_lcp.h"
#include "data/envs/cartpole.h"
#include "data/lqr/lqr_instance.h"
#include "data/lqr/system_domain.h"

#include "trainers/trainer.h"
#include "trainers/run_setup.h"
#include "trainers/trainer_executable.h"
#include "trainers/lqr_pg_trainer.h"
