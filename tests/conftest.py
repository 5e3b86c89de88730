import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _work_in_a_scratch_directory(tmp_path_factory, monkeypatch):
    """Commands that default to ./runs or ./sweeps write into a scratch directory,
    never into the user's results store."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
