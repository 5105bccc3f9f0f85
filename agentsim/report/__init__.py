"""Run reports: per-doctor, per-specialty and per-persona accuracy with bootstrap CIs, the cost/accuracy
Pareto plot, and flat run exports. matplotlib and pyarrow are imported only when a plot or parquet is made."""

from agentsim.report.build import build_report
from agentsim.report.export import export_run, run_rows
from agentsim.report.model import EpisodeRecord, GroupStats, RunReport, TurnRecord
from agentsim.report.plot import plot_pareto

__all__ = ["EpisodeRecord", "GroupStats", "RunReport", "TurnRecord", "build_report", "export_run",
           "plot_pareto", "run_rows"]
