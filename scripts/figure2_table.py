#!/usr/bin/python3
"""Prints the markdown table of docs/results/README.md from es_compare run directories.

  scripts/figure2_table.py RUN_DIR [RUN_DIR ...]

One row per comparison (its task from config.json): each policy's final evaluation return,
mean +- sd over seeds (the mean alone for one seed), the best in bold, and ISO-ODEtoODE's rank among them by that mean.
"""
import json
import sys
from pathlib import Path

POLICIES = ["iso_ode_to_ode", "deep_net", "deep_resnet", "base_ode", "nanode", "hypernet"]
HEADERS = ["ISO-ODEtoODE", "DeepNet", "DeepResNet", "BaseODE", "NANODE", "HyperNet"]


def row(run_dir: Path) -> str:
    summary = json.loads((run_dir / "summary.json").read_text())
    config = json.loads((run_dir / "config.json").read_text())
    common = config["common"]
    ranking = summary["ranking"]
    cells = []
    for policy in POLICIES:
        run = summary.get(policy)
        if run is None or run["final_return_mean"] is None:
            cells.append("—")
            continue
        cell = f"{run['final_return_mean']:.1f}"
        if config["seeds"] > 1:
            cell += f" ± {run['final_return_sd']:.1f}"
        cells.append(f"**{cell}**" if ranking[0] == policy else cell)
    seeds = config["seeds"]
    budget = f"{common['steps']} it. × {common['directions']} dir., {seeds} seed{'s' if seeds > 1 else ''}"
    rank = ranking.index("iso_ode_to_ode") + 1
    return f"| {common['env']} | {budget} | " + " | ".join(cells) + f" | {rank} of {len(ranking)} |"


def main(arguments) -> int:
    if not arguments:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    print("| task | budget | " + " | ".join(HEADERS) + " | ISO-ODEtoODE's rank |")
    print("|---|---|" + "---|" * len(HEADERS) + "---|")
    for argument in arguments:
        run_dir = Path(argument)
        if not (run_dir / "summary.json").exists() or not (run_dir / "config.json").exists():
            print(f"figure2_table.py: {run_dir}: no summary.json and config.json of an es_compare run", file=sys.stderr)
            return 2
        print(row(run_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
