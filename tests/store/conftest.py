import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from lb_runs import make_run  # noqa: E402


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A 5-day, 2-replication run of the two-corridor network (10 N + 5 S trains)."""
    return make_run(tmp_path_factory.mktemp("runs"), "tiny-run")


@pytest.fixture(scope="session")
def run_dir_b(tmp_path_factory) -> Path:
    """Same network, the north service doubled in frequency, 3 replications."""
    base = tmp_path_factory.mktemp("runs_b")
    from lb_runs import SERVICES

    services = [dict(SERVICES[0], departures_per_week=28), SERVICES[1]]
    return make_run(base, "busy-run", name="busy", replications=3, services=services)
