"""KPIs from event logs and statistics over replications."""

from landbridge.analysis.kpis import Kpis, ci95_halfwidth, replication_kpis, summarize

__all__ = ["Kpis", "ci95_halfwidth", "replication_kpis", "summarize"]
