"""The cost/accuracy Pareto plot, drawn as SDBench draws it: accuracy against mean cost per case, one
labelled point per doctor with its bootstrap CI as an error bar, and the frontier as a step line."""

from __future__ import annotations

from pathlib import Path

from agentsim.errors import UserError
from agentsim.report.model import RunReport

FORMATS = {".png": "png", ".svg": "svg"}


def plot_pareto(report: RunReport, path: str | Path) -> Path:
    """Write the plot to `path`; the suffix (.png or .svg) picks the format. Returns the path."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(f"cannot plot to {path.name!r}: the file must end in .png or .svg")
    try:
        # lazy, and no pyplot: a bare Figure on the Agg canvas has no global state, so the API can plot
        # from worker threads and no display is ever needed
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        raise UserError("plots need matplotlib: pip install 'agentsim[reports]'") from None

    doctors = [g for g in report.by_doctor if g.mean_cost is not None and g.accuracy is not None]
    fig = Figure(figsize=(7, 4.8), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for g in doctors:
        acc = 100 * g.accuracy
        low, high = 100 * (g.ci_low if g.ci_low is not None else g.accuracy), \
            100 * (g.ci_high if g.ci_high is not None else g.accuracy)
        color = "tab:blue" if g.on_frontier else "tab:gray"
        ax.errorbar([g.mean_cost], [acc], yerr=[[acc - low], [high - acc]], fmt="o", color=color, capsize=3,
                    markersize=6, elinewidth=1, alpha=0.9, zorder=3)
        ax.annotate(g.name, (g.mean_cost, acc), xytext=(6, 5), textcoords="offset points", fontsize=8)
    front = sorted((g for g in doctors if g.on_frontier), key=lambda g: (g.mean_cost, -g.accuracy))
    if front:
        # the step holds each frontier accuracy until a dearer doctor improves on it
        ax.step([g.mean_cost for g in front], [100 * g.accuracy for g in front], where="post",
                color="black", alpha=0.6, linestyle="--", linewidth=1.2, label="Pareto frontier", zorder=2)
        ax.legend(loc="lower right", fontsize=8)
    if not doctors:
        ax.text(0.5, 0.5, "no finished episodes", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("mean cost per case (USD)")
    ax.set_ylabel("diagnostic accuracy (%)")
    ax.set_ylim(-3, 106)
    ax.set_xlim(left=0, right=max([g.mean_cost for g in doctors], default=1.0) * 1.15 or 1.0)
    ax.grid(True, alpha=0.3)
    ax.set_title(f"Accuracy vs cost: {report.name or report.run_id[:12]}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    # a fixed hash salt and no date: the same report gives the same SVG bytes
    with matplotlib.rc_context({"svg.hashsalt": "agentsim"}):
        fig.savefig(path, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return path
