#!/usr/bin/env bash
# A short lqr_pg run, the lcs_smoothing example, a small value_sweep, a small DR-vs-SA comparison, a
# small zo_lqr_scaling study, a tiny es_compare (and its Figure 2 table row) and a tiny supervised_compare, plotted:
# learning_curve.csv and non-empty PNGs must appear.
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
"$bin/es_compare" --quiet --config data/configs/es_compare_half_cheetah.json --set seeds=2 common.steps=2 common.eval_every=1 common.horizon=30 common.directions=4 common.top_directions=2 --out "$scratch/es_compare" >/dev/null
/usr/bin/python3 scripts/plot_runs.py "$scratch/es_compare" "$scratch/es_compare/iso_ode_to_ode-seed1"
test -s "$scratch/es_compare/curves.png" && test -s "$scratch/es_compare/iso_ode_to_ode-seed1/learning_curve.png"
test "$(grep -c '^iso_ode_to_ode,' "$scratch/es_compare/curves.csv")" -eq 2   # evaluations at steps 1, 2
/usr/bin/python3 scripts/figure2_table.py "$scratch/es_compare" > "$scratch/figure2_table.md"
test "$(wc -l < "$scratch/figure2_table.md")" -eq 3   # header, rule, the half_cheetah row
grep -q '^| half_cheetah | 2 it. × 4 dir., 2 seeds | .* of 6 |$' "$scratch/figure2_table.md"
"$bin/supervised_compare" --quiet --config data/configs/supervised_table1.json --set seeds=1 data.train_images=500 data.test_images=100 common.epochs=1 --out "$scratch/supervised_compare" >/dev/null
/usr/bin/python3 scripts/plot_runs.py "$scratch/supervised_compare"
test -s "$scratch/supervised_compare/table.png"
echo "plot ok"
