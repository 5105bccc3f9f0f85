"""The cost/accuracy Pareto plot, drawn as SDBench draws it: accuracy against mean cost per case, one
point per doctor (its own colour, named in the legend) with its bootstrap CI as an error bar, and the
frontier as a step line. Labels are placed so they neither overlap each other nor the points."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from agentsim.errors import UserError
from agentsim.report.model import GroupStats, RunReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

FORMATS = {".png": "png", ".svg": "svg"}
# candidate label offsets in points, tried in order: right-above first, as before
_OFFSETS = [(6, 5), (6, -11), (-6, 5), (-6, -11), (6, 15), (6, -21), (-6, 15), (-6, -21), (6, 25), (6, -31)]
_PLUGIN_REF = re.compile(r"^(?P<path>.+\.py|[\w.]+):(?P<attr>[\w.]+)$")


def display_name(label: str) -> str:
    """How a doctor is named on the plot: the batch spec's label as written, but a plug-in reference that
    stood in for a label is cut to its short form (`minimal_doctor.py:MinimalDoctor`, not the whole path)."""
    match = _PLUGIN_REF.match(label)
    if match and ("/" in match["path"] or "\\" in match["path"]):
        return f"{Path(match['path'].replace(chr(92), '/')).name}:{match['attr']}"
    return label


def plot_pareto(report: RunReport, path: str | Path) -> Path:
    """Write the plot to `path`; the suffix (.png or .svg) picks the format. Returns the path."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(f"cannot plot to {path.name!r}: the file must end in .png or .svg")
    data = render_pareto(report, fmt=fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def render_pareto(report: RunReport, *, fmt: str = "svg") -> bytes:
    """The plot as PNG or SVG bytes (the viewer serves the SVG). Deterministic for a given report."""
    import io

    fig, _labels = draw_pareto(report)  # first: it turns a missing matplotlib into one clear error
    import matplotlib

    out = io.BytesIO()
    # a fixed hash salt and no date: the same report gives the same SVG bytes
    with matplotlib.rc_context({"svg.hashsalt": "agentsim"}):
        fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def draw_pareto(report: RunReport) -> tuple[Figure, list[tuple[str, Bbox]]]:
    """The figure, and each label drawn with its box in display coordinates (for the layout's tests)."""
    try:
        # lazy, and no pyplot: a bare Figure on the Agg canvas has no global state, so the API can plot
        # from worker threads and no display is ever needed
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        raise UserError("plots need matplotlib: pip install 'agentsim[reports]'") from None

    doctors = [g for g in report.by_doctor if g.mean_cost is not None and g.accuracy is not None]
    fig = Figure(figsize=(7.5, 4.8), dpi=120, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    colours = matplotlib.colormaps["tab10" if len(doctors) <= 10 else "tab20"]
    for i, g in enumerate(doctors):
        acc = 100 * (g.accuracy or 0.0)
        low = 100 * (g.ci_low if g.ci_low is not None else g.accuracy or 0.0)
        high = 100 * (g.ci_high if g.ci_high is not None else g.accuracy or 0.0)
        name = display_name(g.name) + (" *" if g.on_frontier else "")
        ax.errorbar([g.mean_cost or 0.0], [acc], yerr=[[acc - low], [high - acc]], fmt="o",
                    color=colours(i % colours.N), capsize=3, markersize=7, elinewidth=1, alpha=0.95, zorder=3,
                    label=name)
    front = sorted((g for g in doctors if g.on_frontier), key=lambda g: (g.mean_cost or 0.0, -(g.accuracy or 0.0)))
    if front:
        # the step holds each frontier accuracy until a dearer doctor improves on it
        ax.step([g.mean_cost or 0.0 for g in front], [100 * (g.accuracy or 0.0) for g in front], where="post",
                color="black", alpha=0.6, linestyle="--", linewidth=1.2, label="Pareto frontier (*)", zorder=2)
    if doctors:
        # outside the axes: the legend can never sit on the frontier or a point
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False, borderaxespad=0)
    else:
        ax.text(0.5, 0.5, "no finished episodes", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("mean cost per case (USD)")
    ax.set_ylabel("diagnostic accuracy (%)")
    ax.set_ylim(-3, 106)
    ax.set_xlim(left=0, right=max([g.mean_cost or 0.0 for g in doctors], default=1.0) * 1.18 or 1.0)
    ax.grid(True, alpha=0.3)
    ax.set_title(f"Accuracy vs cost: {report.name or report.run_id[:12]}", fontsize=10)
    return fig, _place_labels(fig, ax, doctors)


def _place_labels(fig: Figure, ax: Axes, doctors: list[GroupStats]) -> list[tuple[str, Bbox]]:
    """Greedy: each label takes the first offset whose box overlaps no placed label and no point; when
    none is free (a crowd of doctors at one spot) the legend still names every colour."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fig.draw_without_rendering()  # settle the constrained layout, so display coordinates are final
    points = [ax.transData.transform((g.mean_cost or 0.0, 100 * (g.accuracy or 0.0))) for g in doctors]
    taken: list[Bbox] = [Bbox.from_bounds(x - 5, y - 5, 10, 10) for x, y in points]
    placed: list[tuple[str, Bbox]] = []
    axes_box = ax.get_window_extent(renderer)
    # most accurate first: the top of the plot is where labels crowd least
    for i in sorted(range(len(doctors)), key=lambda i: -(doctors[i].accuracy or 0.0)):
        g = doctors[i]
        for dx, dy in _OFFSETS:
            text = ax.annotate(display_name(g.name), (g.mean_cost, 100 * (g.accuracy or 0.0)), xytext=(dx, dy),
                               textcoords="offset points", fontsize=8, ha="left" if dx > 0 else "right", zorder=4)
            box = text.get_window_extent(renderer).expanded(1.05, 1.15)
            inside = axes_box.contains(box.x0, box.y0) and axes_box.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                placed.append((g.name, box))
                break
            text.remove()
    return placed
