"""Bad command-line input gets one clear sentence naming the option, exit code 2 (the
code of every input error, ``cli._common.EXIT_INPUT``), no traceback and no file
written (bad-input pass of stop 15)."""

from __future__ import annotations

from typer.testing import CliRunner

from landbridge.cli import app
from landbridge.cli._common import EXIT_INPUT

runner = CliRunner()


def _fails(args: list[str]):
    res = runner.invoke(app, args)
    assert res.exit_code == EXIT_INPUT, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # no other exception
    assert "Traceback" not in res.output
    return res


def test_plot_stringline_empty_corridor_says_it_names_no_corridor(tmp_path):
    for blank in ("", "  "):
        out = tmp_path / "s.html"
        res = _fails(["plot", "stringline", "latest", "--corridor", blank,
                      "--store", str(tmp_path / "none.duckdb"), "--out", str(out)])
        assert res.output.splitlines()[1] == (
            f"  - <command line>: --corridor: {blank!r} names no corridor; give the "
            "gauge-break crossings in order, e.g. 'ASK-DST > BRE-MAL' (as `landbridge "
            "route` names the corridor), or leave --corridor out to draw the busiest "
            "corridor")
        # checked before the run is looked up: no "no run" error, nothing written
        assert "no run" not in res.output and not out.exists()
