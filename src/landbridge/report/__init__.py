"""The HTML report of a run: map, charts, KPI tables, scenario and manifest, one file."""

from landbridge.report.data import RunData, crossing_waits, link_utilization, load_run, transit_times
from landbridge.report.html import build_report, write_report

__all__ = ["RunData", "build_report", "crossing_waits", "link_utilization", "load_run",
           "transit_times", "write_report"]
