#!/usr/bin/env bash
# The flagship run: set up, then domain randomization vs sample average on the cart-pole
# (domain-randomized-lqr-sgd.md, Figure 1) at a short default, plotted to
# runs/cartpole_dr_vs_sa-<time>/cost_vs_step.png. Extra arguments go to lqr_dr_vs_sa
# (e.g. --set trials=1000 for the paper's trial count).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=runs/cartpole_dr_vs_sa-$(date +%Y%m%d-%H%M%S)
build/bin/lqr_dr_vs_sa --config data/configs/cartpole_dr_vs_sa.json --out "$out" "$@"
/usr/bin/python3 scripts/plot_runs.py "$out"
