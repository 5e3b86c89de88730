"""The one KPI declaration: docs, store types and KPI frames agree with it."""

from pathlib import Path

import pandas as pd

from landbridge.analysis.schema import (KPI_SCHEMA, duckdb_columns, format_value,
                                        schema_markdown, storage_value, summary_columns)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "results.md"


def test_docs_section_is_generated_from_the_schema():
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- kpi-schema:start -->\n")[1].split("<!-- kpi-schema:end -->")[0]
    assert block == schema_markdown()


def test_store_types_come_from_the_declaration():
    types = duckdb_columns("queue_by_day")
    assert types["crossing"] == "VARCHAR" and types["day"] == "BIGINT"
    assert types["queue_mean_trains"] == "DOUBLE" and types["replications"] == "BIGINT"
    assert "queue_mean_trains_ci95" not in types  # daily tables have no interval
    assert duckdb_columns("services")["corridor"] == "VARCHAR"
    assert summary_columns("run")[-1] == "replications"


def test_display_and_storage_rounding():
    assert format_value("crossings", "util_teams", 0.4567, 0.0123) == "46 ± 1 %"
    assert format_value("od", "transit_mean_d", 14.256) == "14.26"
    assert format_value("od", "transit_mean_d", None) == "–"
    assert storage_value(1.23456789) == 1.234568 and storage_value(float("nan")) is None


def test_frames_have_exactly_the_declared_columns():
    df = KPI_SCHEMA["od"].frame([dict(rep=0, origin="A", destination="D", trains=2,
                                      teu_delivered=164.0, transit_mean_d=1.0,
                                      transit_p50_d=1.0, transit_p95_d=1.5)])
    assert list(df.columns) == ["rep"] + KPI_SCHEMA["od"].names
    assert df.transit_p95_d.dtype == float and isinstance(df, pd.DataFrame)
