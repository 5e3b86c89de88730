import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))

from lb_runs import SERVICES, make_run  # noqa: E402


@pytest.fixture(scope="session")
def report_runs(tmp_path_factory) -> tuple[Path, Path]:
    """(run, baseline): the north service doubled against the plain two-corridor run."""
    base = tmp_path_factory.mktemp("report_runs")
    plain = make_run(base, "plain")
    busy = make_run(base, "busy", name="busy", replications=3,
                    services=[dict(SERVICES[0], departures_per_week=28), SERVICES[1]])
    return busy, plain
