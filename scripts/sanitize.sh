#!/usr/bin/env bash
# Builds diffctl with AddressSanitizer and UndefinedBehaviorSanitizer (-DDIFFCTL_SANITIZE=ON)
# into build-sanitize/, then runs the unit tests and a short run of every executable under
# them. Any report stops the script with a non-zero exit. A full build: not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build-dir build-sanitize -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIFFCTL_SANITIZE=ON
bin=build-sanitize/bin
# Leak checking is off: LibTorch's and MuJoCo's process-lifetime singletons are never freed.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$bin/diffctl_unit_tests" --gtest_brief=1

run() {
  local name=$1
  shift
  echo "sanitize: $name $*" >&2
  "$bin/$name" --quiet --out "$out/$name-$((++runs))" "$@" >/dev/null
}
runs=0
run lqr_pg --config data/configs/lqr_dean.json --set steps=20
run lqr_pg --config data/configs/cartpole_dr.json --set steps=10 eval_systems=100
run lqr_dr_vs_sa --config data/configs/cartpole_dr_vs_sa.json --set trials=2 steps=20 eval_systems=100 \
  reference_systems=100
run zo_lqr --config data/configs/zo_lqr_malik3.json --set steps=20
run zo_lqr_scaling --config data/configs/zo_lqr_scaling.json --set seeds=1 max_evaluations=2000
run es_train --config data/configs/es_swimmer_iso_odetoode.json --set steps=3 directions=4 top_directions=2 \
  horizon=50 eval_episodes=2 eval_every=1
policy="$out/es_train-$runs/policy.pt"
for task in swimmer half_cheetah hopper walker2d humanoid_stand; do
  run es_compare --config "data/configs/es_compare_$task.json" --set seeds=1 common.steps=1 common.eval_every=1 \
    common.horizon=20 common.directions=2 common.top_directions=1 common.eval_episodes=1
done
run fopg --config data/configs/fopg_cartpole_linear.json --set steps=2 model.restarts=1
run fopg_diagnostics --config data/configs/fopg_diagnostics.json --set horizons=[20] mu_values=[0.01] \
  sigma_values=[0.1] reference_batches=4
run lcs_fit --config data/configs/lcs_fit_cartpole.json --set fit_steps=20 restarts=1
run lcs_fit --config data/configs/lcs_fit_cartpole.json --set fit_steps=5 learning_rate=1e308
run lcs_smoothing --config data/configs/lcs_smoothing_1d.json
run value_fit --config data/configs/value_four_rooms.json --set steps=20
run value_fit --config data/configs/value_chain.json --set steps=20 backward=gmres
run value_sweep --config data/configs/value_sweep.json --set 'domains=["chain"]' seeds=1 'etas=[0.9]' \
  'reward_offsets=[0.0]' figure2_eta=0.9 value_fit.steps=20 variance_study.enabled=false
echo "sanitize: policy_rollout --policy $policy --env swimmer" >&2
"$bin/policy_rollout" --policy "$policy" --env swimmer --episodes 2 --seed 0 >/dev/null
echo "sanitize: the unit tests and $((runs + 1)) runs are clean" >&2
