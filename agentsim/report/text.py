"""A report as text: the column set shared by the terminal table, Markdown and CSV."""

from __future__ import annotations

import csv
import io

from agentsim.report.model import Grouping, GroupStats, RunReport
from agentsim.report.prices import markdown as prices_markdown

COLUMNS = ["n", "acc", "95% CI", "Likert", "cover", "cost", "turns", "fail"]  # short: an 80-column table
MD_COLUMNS = ["n", "accuracy", "95% CI", "mean Likert", "must-ask coverage", "mean cost", "mean turns", "failures"]


def cells(g: GroupStats) -> list[str]:
    """Human-formatted figures for one group; '-' where there is nothing to average."""
    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.0f}%"

    def num(x: float | None, fmt: str) -> str:
        return "-" if x is None else format(x, fmt)

    ci = "-" if g.ci_low is None else f"{pct(g.ci_low)}–{pct(g.ci_high)}"
    cost = "-" if g.mean_cost is None else f"${g.mean_cost:,.0f}"
    return [str(g.n), pct(g.accuracy), ci, num(g.mean_likert, ".2f"), pct(g.mean_coverage), cost,
            num(g.mean_turns, ".1f"), str(g.failures)]


def has_pass_k(groups: list[GroupStats]) -> bool:
    return any(g.k for g in groups)


def pass_k_columns(groups: list[GroupStats]) -> list[str]:
    k = next((g.k for g in groups if g.k), None)
    return [f"pass^{k}", f"pass@{k}"] if k else []


def pass_k_cells(g: GroupStats) -> list[str]:
    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.0f}%"

    return [pct(g.pass_all_k), pct(g.pass_any_k)]


def heading(report: RunReport) -> str:
    name = f" ({report.name})" if report.name else ""
    running = f", {report.running} running" if report.running else ""
    return (f"run {report.run_id[:12]}{name}: {report.status}; {report.completed} completed, "
            f"{report.failed} failed{running}; ${report.total_cost:,.0f} of work-up")


def markdown(report: RunReport, by: Grouping) -> str:
    front = by == "doctor"
    groups = report.groups(by)
    passes = pass_k_columns(groups)
    header = [by, *MD_COLUMNS, *passes, *(["Pareto frontier"] if front else [])]
    lines = [f"## Report: {heading(report)}", "", "| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for g in groups:
        mark = ["✓" if g.on_frontier else ""] if front else []
        extra = pass_k_cells(g) if passes else []
        lines.append("| " + " | ".join([g.name.replace("|", "\\|"), *cells(g), *extra, *mark]) + " |")
    if report.prices is not None and report.prices.resulted:
        lines += ["", prices_markdown(report.prices)]
    return "\n".join(lines)


def prices_line(report: RunReport) -> str | None:
    """One line for the terminal table: how many resulted tests had no fee-schedule price, and the top ones."""
    p = report.prices
    if p is None or not p.resulted:
        return None
    names = ", ".join(f"{u.name} ({u.basis})" for u in p.unpriced[:5]) + (" ..." if len(p.unpriced) > 5 else "")
    return (f"prices: {sum(u.orders for u in p.unpriced)} of {p.resulted} resulted tests had no fee-schedule "
            f"price{': ' + names if names else ''} (see `price_basis` in rubrics/tests.yaml)")


def csv_text(report: RunReport, by: Grouping) -> str:
    """Raw numbers, not formatted ones: the CSV is for a spreadsheet or pandas."""
    out = io.StringIO()
    fields = ["name", "n", "scored", "correct", "accuracy", "ci_low", "ci_high", "mean_likert", "mean_coverage",
              "mean_cost", "mean_turns", "failures"] + (["on_frontier"] if by == "doctor" else [])
    if has_pass_k(report.groups(by)):
        fields += ["k", "tasks", "pass_all_k", "pass_any_k"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([by if f == "name" else f for f in fields])
    for g in report.groups(by):
        data = g.model_dump()
        writer.writerow(["" if data[f] is None else data[f] for f in fields])
    return out.getvalue()
