#!/usr/bin/python3
"""Plots diffctl run directories (needs Debian's python3-matplotlib; trainers never do).

  scripts/plot_runs.py RUN_DIR [RUN_DIR ...]

- A DR-vs-SA experiment (comparison.csv): cost_vs_step.png beside it, J_DR, its relative gap
  to the DR optimum and ||K||_F against the step with 10-90 percentile bands per mode
  (domain-randomized-lqr-sgd.md, Fig. 1), with the nominal Riccati gain's and the optimum's
  costs as horizontal lines.
- A trainer run (metrics.jsonl): learning_curve.csv and learning_curve.png, the evaluation
  metrics against the step (for es_train: the evaluation return against env steps).
- An es_compare run (curves.csv): curves.png, each run's evaluation return against env steps,
  mean +- sd over seeds (ode-to-ode.md, Figure 2).
- A supervised_compare run (table.csv): table.png, test accuracy per corruption (rows) and
  model (columns) as a heat map, mean +- sd over seeds, the best of each row boxed
  (ode-to-ode.md, Tables 1-2).
- A value_sweep run (figure2.csv, figure3.csv): figure2.png, the final residual against the
  reward offset per domain and parameterization, and figure3.png, the implicit final residual
  against eta per offset, mean +- sd over seeds (implicit-value-estimators.md, Figures 2-3);
  with variance.csv also variance.png, the range over training of the update's
  variance/mean-square ratio against the offset, beside n/k (Figure 17, Corollary 2).
- A zo_lqr_scaling run (scaling.csv): scaling.png, evaluations to reach each relative gap
  epsilon against 1/epsilon per instance and estimator, medians over seeds with their fitted
  log-log slopes and each seed as a point (zeroth-order-lqr-proofs.md, Figures 3-4).
- An lcs_smoothing run (smoothing.csv): smoothing.png, lambda(z) and dlambda/dz per smoothing
  mode and the contact-aware centering mu(z) (lcs-first-order-policy-gradient.md, section 4).
- An fopg_diagnostics run (diagnostics.csv): diagnostics.png, the first-order gradient's
  variance and bias against the smoothing strength (at the longest horizon) and against the
  horizon H (at each mode's middle strength), per smoothing mode, the exact mode as reference
  (Propositions 3.4, 3.5, 4.3).
"""
import csv
import json
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def number(text):
    return math.inf if text in ("inf", "", None) else float(text)


def save_figure(figure, axes, output: Path) -> Path:
    for axis in axes:
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(output, dpi=120)
    plt.close(figure)
    return output


def plot_comparison(run_dir: Path) -> Path:
    rows = list(csv.DictReader(open(run_dir / "comparison.csv")))
    modes = list(dict.fromkeys(row["mode"] for row in rows))
    summary_path = run_dir / "summary.json"
    summary = json.load(open(summary_path)) if summary_path.exists() else {}
    optimum, nominal = summary.get("dr_optimal_cost"), summary.get("nominal_gain_cost")
    panels = 3 if optimum else 2
    figure, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4))
    cost_axis, norm_axis = axes[0], axes[-1]
    gap_axis = axes[1] if optimum else None
    for mode in modes:
        mode_rows = [row for row in rows if row["mode"] == mode]
        steps = [int(row["step"]) for row in mode_rows]
        p10, p50, p90 = ([number(row[f"cost_p{q}"]) for row in mode_rows] for q in (10, 50, 90))
        bands = [(cost_axis, p10, p50, p90)]
        if gap_axis is not None:  # the same band as a relative gap, where 0.1% is visible
            bands.append((gap_axis, *([max((c - optimum) / optimum, 1e-9) for c in series] for series in (p10, p50, p90))))
        bands.append((norm_axis, *([number(row[f"k_norm_p{q}"]) for row in mode_rows] for q in (10, 50, 90))))
        for axis, low, middle, high in bands:
            line, = axis.plot(steps, middle, label=f"{mode.upper()} median")
            axis.fill_between(steps, low, high, alpha=0.25, color=line.get_color(), label=f"{mode.upper()} 10-90%")
    if nominal:
        cost_axis.axhline(nominal, linestyle="--", color="gray", label="nominal Riccati gain")
    if optimum:
        cost_axis.axhline(optimum, linestyle=":", color="black", label="DR optimum (Newton reference)")
        gap_axis.axhline((nominal - optimum) / optimum, linestyle="--", color="gray", label="nominal Riccati gain")
        gap_axis.axhline(1e-3, linestyle=":", color="black", label="0.1% of the DR optimum")
        gap_axis.set(xlabel="SGD step", ylabel="(J_DR(K) - J_DR*) / J_DR*", yscale="log", title="Gap to the DR optimum")
    cost_axis.set(xlabel="SGD step", ylabel="J_DR(K) (evaluation sample)", yscale="log",
                  title="Domain-randomized cost")
    norm_axis.set(xlabel="SGD step", ylabel="||K||_F", title="Controller norm")
    return save_figure(figure, axes, run_dir / "cost_vs_step.png")


def plot_es_learning_curve(run_dir: Path, evaluations) -> Path:
    with open(run_dir / "learning_curve.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["step", "env_steps", "eval_return", "best_return"])
        for entry in evaluations:
            writer.writerow([entry["step"], entry["env_steps"], entry["eval_return"], entry["best_return"]])
    figure, axis = plt.subplots(figsize=(6, 4))
    env_steps = [entry["env_steps"] for entry in evaluations]
    axis.plot(env_steps, [number(e["eval_return"]) for e in evaluations], marker=".", label="evaluation return")
    axis.plot(env_steps, [number(e["best_return"]) for e in evaluations], linestyle="--", label="best so far")
    axis.set(xlabel="environment steps", ylabel="return", title=run_dir.name)
    return save_figure(figure, (axis,), run_dir / "learning_curve.png")


def plot_es_comparison(run_dir: Path) -> Path:
    rows = list(csv.DictReader(open(run_dir / "curves.csv")))
    summary_path = run_dir / "summary.json"
    summary = json.load(open(summary_path)) if summary_path.exists() else {}
    figure, axis = plt.subplots(figsize=(7, 4.5))
    for run in dict.fromkeys(row["run"] for row in rows):
        mine = [row for row in rows if row["run"] == run]
        steps = [float(row["env_steps"]) for row in mine]
        mean = [float(row["eval_return_mean"]) for row in mine]
        sd = [float(row["eval_return_sd"]) for row in mine]
        parameters = summary.get(run, {}).get("parameters")
        label = f"{run} ({parameters} parameters)" if parameters else run
        line, = axis.plot(steps, mean, label=label, marker="o" if len(steps) < 3 else None)  # a lone point shows
        axis.fill_between(steps, [m - d for m, d in zip(mean, sd)], [m + d for m, d in zip(mean, sd)],
                          alpha=0.2, color=line.get_color())
    seeds = summary.get("seeds")
    config_path = run_dir / "config.json"
    env = json.load(open(config_path)).get("common", {}).get("env") if config_path.exists() else None
    axis.set(xlabel="environment steps", ylabel="evaluation return" + (f" (mean +- sd, {seeds} seeds)" if seeds else ""),
             title=f"{env} ({run_dir.name})" if env else run_dir.name)
    return save_figure(figure, (axis,), run_dir / "curves.png")


def plot_accuracy_table(run_dir: Path) -> Path:
    rows = list(csv.DictReader(open(run_dir / "table.csv")))
    models = list(dict.fromkeys(row["model"] for row in rows))
    corruptions = list(dict.fromkeys(row["corruption"] for row in rows))
    cell = {(row["model"], row["corruption"]): (float(row["accuracy_mean"]), float(row["accuracy_sd"])) for row in rows}
    figure, axis = plt.subplots(figsize=(1.3 * len(models) + 2.5, 0.55 * len(corruptions) + 1.8))
    # Each row is coloured on its own scale: the corruptions' accuracies differ by far more than the models'.
    shades = []
    for corruption in corruptions:
        means = [cell[(model, corruption)][0] for model in models]
        low, high = min(means), max(means)
        shades.append([(m - low) / (high - low) if high > low else 1.0 for m in means])
    axis.imshow(shades, cmap="viridis", aspect="auto", vmin=0.0, vmax=1.0)
    for r, corruption in enumerate(corruptions):
        best = max(round(cell[(model, corruption)][0], 2) for model in models)
        for c, model in enumerate(models):
            mean, sd = cell[(model, corruption)]
            is_best = round(mean, 2) == best
            axis.text(c, r, f"{mean:.2f}\n+-{sd:.2f}", ha="center", va="center", fontsize=7,
                      color="black" if shades[r][c] > 0.6 else "white", fontweight="bold" if is_best else "normal")
            if is_best:
                axis.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
    axis.set_xticks(range(len(models)), models, rotation=30, ha="right")
    axis.set_yticks(range(len(corruptions)), corruptions)
    seeds = rows[0]["seeds"] if rows else "?"
    axis.set_title(f"{run_dir.name}: test accuracy (%), mean +- sd over {seeds} seeds; best per row boxed")
    figure.tight_layout()
    output = run_dir / "table.png"
    figure.savefig(output, dpi=120)
    plt.close(figure)
    return output


def plot_learning_curve(run_dir: Path) -> Path:
    entries = [json.loads(line) for line in open(run_dir / "metrics.jsonl") if line.strip()]
    returns = [entry for entry in entries if entry.get("eval_return") is not None]
    if returns:
        return plot_es_learning_curve(run_dir, returns)
    evaluations = [entry for entry in entries if "eval_cost" in entry]
    if not evaluations:
        raise SystemExit(f"plot_runs.py: {run_dir}: metrics.jsonl has no evaluation yet")
    keys = [key for key in ("eval_cost", "eval_cost_p10", "eval_cost_p90", "k_norm") if key in evaluations[0]]
    with open(run_dir / "learning_curve.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["step", *keys])
        for entry in evaluations:
            writer.writerow([entry["step"], *(entry[key] if entry[key] is not None else "inf" for key in keys)])
    figure, axis = plt.subplots(figsize=(6, 4))
    steps = [entry["step"] for entry in evaluations]
    summary_path = run_dir / "summary.json"
    optimal = json.load(open(summary_path)).get("optimal_cost") if summary_path.exists() else None
    if optimal:  # one system: the relative gap to the Riccati optimum shows convergence
        gaps = [max((number(e["eval_cost"]) - optimal) / optimal, 1e-16) for e in evaluations]
        axis.plot(steps, gaps, label="(C(K) - C(K*)) / C(K*)")
        axis.set(xlabel="step", ylabel="relative gap to the Riccati optimum", yscale="log", title=run_dir.name)
    else:
        axis.plot(steps, [number(e["eval_cost"]) for e in evaluations], label="evaluation cost (median over trials)")
        if "eval_cost_p10" in keys:
            axis.fill_between(steps, [number(e["eval_cost_p10"]) for e in evaluations],
                              [number(e["eval_cost_p90"]) for e in evaluations], alpha=0.25, label="10-90%")
        axis.set(xlabel="step", ylabel="cost", yscale="log", title=run_dir.name)
    return save_figure(figure, (axis,), run_dir / "learning_curve.png")


def plot_smoothing(run_dir: Path) -> Path:
    rows = list(csv.DictReader(open(run_dir / "smoothing.csv")))
    z = [float(row["z"]) for row in rows]
    modes = ("exact", "constant", "contact_aware", "randomized")
    figure, (impulse_axis, slope_axis, mu_axis) = plt.subplots(1, 3, figsize=(15, 4))
    for mode in modes:
        style = {"linestyle": "--"} if mode == "randomized" else {}
        label = mode.replace("_", "-")
        impulse_axis.plot(z, [float(row[f"lambda_{mode}"]) for row in rows], label=label, **style)
        slope_axis.plot(z, [float(row[f"dlambda_dz_{mode}"]) for row in rows], label=label, **style)
    mu_axis.plot(z, [float(row["mu_contact_aware"]) for row in rows], label="contact-aware mu(z)")
    impulse_axis.set(xlabel="z = Dx + Eu + d", ylabel="lambda", title="Contact impulse")
    slope_axis.set(xlabel="z", ylabel="dlambda/dz", title="Its gradient")
    mu_axis.set(xlabel="z", ylabel="mu", title="Contact-aware centering (Prop. 4.2)")
    return save_figure(figure, (impulse_axis, slope_axis, mu_axis), run_dir / "smoothing.png")


def plot_diagnostics(run_dir: Path) -> Path:
    rows = list(csv.DictReader(open(run_dir / "diagnostics.csv")))
    horizons = sorted({int(row["horizon"]) for row in rows})
    modes = [mode for mode in dict.fromkeys(row["mode"] for row in rows) if mode != "exact"]
    figure, axes = plt.subplots(2, 2, figsize=(11, 8))
    longest = [row for row in rows if int(row["horizon"]) == horizons[-1]]
    exact = {int(row["horizon"]): row for row in rows if row["mode"] == "exact"}
    for mode in modes:
        points = [row for row in longest if row["mode"] == mode]
        strengths = [float(row["strength"]) for row in points]
        label = mode.replace("_", "-") + (" (mu)" if mode == "constant" else " (sigma)")
        axes[0][0].loglog(strengths, [float(row["variance"]) for row in points], marker="o", label=label)
        axes[0][1].loglog(strengths, [float(row["bias"]) for row in points], marker="o", label=label)
        middle = sorted({row["strength"] for row in rows if row["mode"] == mode}, key=float)
        middle = middle[len(middle) // 2]
        by_horizon = [row for row in rows if row["mode"] == mode and row["strength"] == middle]
        axes[1][0].semilogy([int(r["horizon"]) for r in by_horizon], [float(r["variance"]) for r in by_horizon],
                            marker="o", label=f"{label} = {float(middle):g}")
        axes[1][1].semilogy([int(r["horizon"]) for r in by_horizon], [float(r["bias"]) for r in by_horizon],
                            marker="o", label=f"{label} = {float(middle):g}")
    axes[0][0].axhline(float(exact[horizons[-1]]["variance"]), color="black", linestyle=":", label="exact")
    axes[0][1].axhline(float(exact[horizons[-1]]["bias_floor"]), color="black", linestyle=":",
                       label="sampling floor")
    axes[1][0].semilogy(horizons, [float(exact[h]["variance"]) for h in horizons], "k:", marker="s", label="exact")
    axes[1][1].semilogy(horizons, [float(exact[h]["bias_floor"]) for h in horizons], "k:", marker="s",
                        label="sampling floor")
    axes[0][0].set(xlabel="smoothing strength", ylabel="tr Cov(gradient)", title=f"Variance, H = {horizons[-1]}")
    axes[0][1].set(xlabel="smoothing strength", ylabel="||E gradient - reference||", title=f"Bias, H = {horizons[-1]}")
    axes[1][0].set(xlabel="horizon H", ylabel="tr Cov(gradient)", title="Variance against H")
    axes[1][1].set(xlabel="horizon H", ylabel="||E gradient - reference||", title="Bias against H")
    return save_figure(figure, [axis for row in axes for axis in row], run_dir / "diagnostics.png")


def plot_value_sweep(run_dir: Path) -> Path:
    rows2 = list(csv.DictReader(open(run_dir / "figure2.csv")))
    domains = list(dict.fromkeys(row["domain"] for row in rows2))
    figure, axes = plt.subplots(1, len(domains), figsize=(5 * len(domains), 4), squeeze=False)
    for axis, domain in zip(axes[0], domains):
        for parameterization in ("explicit", "implicit"):
            rows = [r for r in rows2 if r["domain"] == domain and r["parameterization"] == parameterization]
            offsets = [float(r["reward_offset"]) for r in rows]
            mean = [number(r["mean"]) for r in rows]
            sd = [number(r["sd"]) for r in rows]
            line, = axis.plot(offsets, mean, marker="o",
                              label=f"{parameterization} (step {rows[0]['step_size']})")
            axis.fill_between(offsets, [m - d for m, d in zip(mean, sd)], [m + d for m, d in zip(mean, sd)],
                              alpha=0.2, color=line.get_color())
        axis.set(xlabel="reward offset", ylabel="final ||Phi theta - y||", title=domain)
    save_figure(figure, axes[0], run_dir / "figure2.png")

    rows3 = list(csv.DictReader(open(run_dir / "figure3.csv")))
    figure, axes = plt.subplots(1, len(domains), figsize=(5 * len(domains), 4), squeeze=False)
    for axis, domain in zip(axes[0], domains):
        offsets = list(dict.fromkeys(r["reward_offset"] for r in rows3 if r["domain"] == domain))
        for offset in offsets:
            rows = [r for r in rows3 if r["domain"] == domain and r["reward_offset"] == offset]
            etas = [float(r["eta"]) for r in rows]
            mean = [number(r["mean"]) for r in rows]
            sd = [number(r["sd"]) for r in rows]
            line, = axis.plot(etas, mean, marker="o", label=f"offset {offset}")
            axis.fill_between(etas, [m - d for m, d in zip(mean, sd)], [m + d for m, d in zip(mean, sd)],
                              alpha=0.15, color=line.get_color())
        axis.set(xlabel="internal discount eta", ylabel="final ||Phi theta - y|| (implicit)", title=domain,
                 xscale="logit")
    output = save_figure(figure, axes[0], run_dir / "figure3.png")
    if (run_dir / "variance.csv").exists():
        output = plot_variance_study(run_dir)
    return output


def plot_variance_study(run_dir: Path) -> Path:
    rows = [r for r in csv.DictReader(open(run_dir / "variance.csv")) if r["ratio_min"]]
    domains = list(dict.fromkeys(row["domain"] for row in rows))
    figure, axes = plt.subplots(1, len(domains), figsize=(5 * len(domains), 4), squeeze=False)
    for axis, domain in zip(axes[0], domains):
        for train_set in dict.fromkeys(r["train_set"] for r in rows if r["domain"] == domain):
            group = [r for r in rows if r["domain"] == domain and r["train_set"] == train_set]
            n_over_k = sum(float(r["n_over_k"]) for r in group) / len(group)
            axis.axhline(n_over_k, linestyle=":", color="gray")
            axis.annotate(f"n/k = {n_over_k:.3g} ({train_set})", (0.0, n_over_k), fontsize=7,
                          textcoords="offset points", xytext=(2, 2))
            for parameterization in ("explicit", "implicit"):
                mine = [r for r in group if r["parameterization"] == parameterization]
                offsets = sorted({float(r["reward_offset"]) for r in mine})

                # Ratios spread over decades: geometric means over seeds (the y axis is logarithmic).
                def geometric_mean(key):
                    means = []
                    for offset in offsets:
                        logs = [math.log(float(r[key])) for r in mine if float(r["reward_offset"]) == offset]
                        means.append(math.exp(sum(logs) / len(logs)))
                    return means

                low, high = geometric_mean("ratio_min"), geometric_mean("ratio_max")
                line, = axis.plot(offsets, high, marker="o", label=f"{parameterization}, {train_set}")
                axis.plot(offsets, low, marker="o", linestyle="--", color=line.get_color())
                axis.fill_between(offsets, low, high, alpha=0.12, color=line.get_color())
        axis.set(xlabel="reward offset", ylabel="E||dtheta||^2 / ||E dtheta||^2: max, min over training",
                 title=domain, yscale="log")
    return save_figure(figure, axes[0], run_dir / "variance.png")


def plot_scaling(run_dir: Path) -> Path:
    rows = list(csv.DictReader(open(run_dir / "scaling.csv")))
    summary_path = run_dir / "summary.json"
    summary = json.load(open(summary_path)) if summary_path.exists() else {}
    instances = list(dict.fromkeys(row["instance"] for row in rows))
    figure, axes = plt.subplots(1, len(instances), figsize=(5 * len(instances), 4), squeeze=False)
    for axis, instance in zip(axes[0], instances):
        for estimator in dict.fromkeys(row["estimator"] for row in rows if row["instance"] == instance):
            mine = [row for row in rows if row["instance"] == instance and row["estimator"] == estimator]
            reached = [(1 / float(row["epsilon"]), float(row["evaluations"])) for row in mine if row["evaluations"]]
            entry = summary.get(instance, {}).get(estimator, {})
            epsilons = summary.get("epsilons", [])
            medians = [(1 / e, m) for e, m in zip(epsilons, entry.get("median_evaluations", [])) if m is not None]
            slope = entry.get("slope")
            label = f"{estimator} median" + (f" (slope {slope:.2f})" if slope is not None else "")
            line, = axis.plot([x for x, _ in medians], [y for _, y in medians], marker="o", label=label)
            axis.scatter([x for x, _ in reached], [y for _, y in reached], s=10, alpha=0.35, color=line.get_color())
        axis.set(xlabel="1 / epsilon (relative gap)", ylabel="evaluations of F", xscale="log", yscale="log",
                 title=instance)
    if "max_evaluations" in summary:
        for axis in axes[0]:
            axis.axhline(summary["max_evaluations"], linestyle=":", color="gray", label="budget (censored above)")
    return save_figure(figure, axes[0], run_dir / "scaling.png")


def main(arguments):
    if not arguments:
        print(__doc__, file=sys.stderr)
        return 2
    for argument in arguments:
        run_dir = Path(argument)
        if (run_dir / "scaling.csv").exists():
            print(plot_scaling(run_dir))
        elif (run_dir / "curves.csv").exists():
            print(plot_es_comparison(run_dir))
        elif (run_dir / "table.csv").exists():
            print(plot_accuracy_table(run_dir))
        elif (run_dir / "comparison.csv").exists():
            print(plot_comparison(run_dir))
        elif (run_dir / "figure2.csv").exists():
            print(plot_value_sweep(run_dir))
        elif (run_dir / "smoothing.csv").exists():
            print(plot_smoothing(run_dir))
        elif (run_dir / "diagnostics.csv").exists():
            print(plot_diagnostics(run_dir))
        elif (run_dir / "metrics.jsonl").exists():
            print(plot_learning_curve(run_dir))
        else:
            print(f"plot_runs.py: {run_dir}: no curves.csv, table.csv, scaling.csv, comparison.csv, figure2.csv, smoothing.csv, "
                  "diagnostics.csv "
                  "or metrics.jsonl", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
