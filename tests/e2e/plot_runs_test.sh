#!/usr/bin/env bash
# A short lqr_pg run, the lcs_smoothing example, a small value_sweep, a small DR-vs-SA comparison and a
# small zo_lqr_scaling study, plotted: learning_curve.csv and non-empty PNGs must appear.
#   plot_runs_test.sh BIN_DIR SCRATCH_DIR
set -euo pipefail
bin=$1
scratch=$2
rm -rf "$scratch"
"$bin/lqr_pg" --config data/configs/lqr_dean.json --set steps=200 --out "$scratch/run" --quiet >/dev/null
/usr/bin/python3 scripts/plot_runs.py "$scratch/run"
test -s "$scratch/run/learning_curve.png"
test "$(wc -l < "$scratch/run/learning_curve.csv")" -eq 3   # header + evaluations at 100, 200
"$bin/lcs_smoothing" --config data/configs/lcs_smoothing_1d.json --set points=21 --out "$scratch/smoothing" >/dev/null
/usr/bin/python3 scripts/plot_runs.py "$scratch/smoothing"
test -s "$scratch/smoothing/smoothing.png"
"$bin/value_sweep" --quiet --config data/configs/value_sweep.json --set 'domains=["chain"]' seeds=2 'etas=[0.9,0.95]' 'reward_offsets=[0.0,1.0]' value_fit.steps=50 --out "$scratch/sweep" >/dev/null
/usr/bin/python3 scripts/plot_runs.py "$scratch/sweep"
test -s "$scratch/sweep/figure2.png" && test -s "$scratch/sweep/figure3.png" && test -s "$scratch/sweep/variance.png"
"$bin/lqr_dr_vs_sa" --quiet --config data/configs/cartpole_dr_vs_sa.json --set trials=3 steps=200 eval_systems=200 reference_systems=500 --out "$scratch/dr_vs_sa" >/dev/null
/usr/bin/python3 scripts/plot_runs.py "$scratch/dr_vs_sa"
test -s "$scratch/dr_vs_sa/cost_vs_step.png"
"$bin/zo_lqr_scaling" --quiet --config data/configs/zo_lqr_scaling.json --set seeds=1 max_evaluations=20000 --out "$scratch/scaling" >/dev/null
/usr/bin/python3 scripts/plot_runs.py "$scratch/scaling"
test -s "$scratch/scaling/scaling.png"
echo "plot ok"
