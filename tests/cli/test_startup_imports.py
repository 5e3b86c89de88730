"""Start-up stays light (issue 13): `landbridge --help` and a command-line error import
none of the heavy libraries. Not timed: it checks ``sys.modules`` in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "scipy", "duckdb", "plotly", "dask", "dash", "networkx", "pyarrow")

_PROBE = r"""
import json, sys
sys.argv = ["landbridge"] + sys.argv[1:]
from landbridge.cli import app
try:
    app()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(m.split(".")[0] for m in sys.modules)}))
"""


def _loaded(*argv: str) -> tuple[int, set[str]]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True,
                          text=True, timeout=120)
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    return last["code"], set(last["modules"]) & set(HEAVY)


def test_help_imports_nothing_heavy():
    code, heavy = _loaded("--help")
    assert code == 0
    assert heavy == set()


def test_subcommand_help_imports_nothing_heavy():
    for argv in (["simulate", "--help"], ["plan", "--help"], ["runs", "--help"]):
        code, heavy = _loaded(*argv)
        assert code == 0, argv
        assert heavy == set(), argv


def test_command_line_error_imports_nothing_heavy(tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("not ours\n")
    code, heavy = _loaded("simulate", "--out", str(busy))
    assert code == 2
    assert heavy == set()
    code, heavy = _loaded("simulate", "--days", "-3")
    assert code == 2
    assert heavy == set()
    assert (busy / "keep.txt").read_text() == "not ours\n"
