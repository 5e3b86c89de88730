"""Messages of the bad-input pass BREAK's cosmetic leftovers name what the user wrote:
an empty or unknown ``--via`` names ``--via``, a ``--store`` that is a device is "not
a regular file" (not "no results store"), and ``base: .`` names the file and its
``base`` field rather than only the directory it resolves to."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from landbridge.cli import app

runner = CliRunner()


def _lines(args: list[str], code: int) -> list[str]:
    res = runner.invoke(app, args)
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    return res.output.splitlines()


def test_an_empty_via_names_the_option():
    assert _lines(["route", "CQ", "DUI", "--via", ""], 2) == [
        "error: 1 problem in the command line:",
        "  - <command line>: --via: '' names no node; give a node id or name, e.g. "
        "--via Aktau"]
    assert _lines(["compare", "Xian", "DUI", "--via", "Aktau", "--via", " "], 2)[1] == (
        "  - <command line>: --via 2: ' ' names no node; give a node id or name, e.g. "
        "--via Aktau")


def test_an_unknown_via_names_the_option():
    first = _lines(["route", "CQ", "DUI", "--via", "Nowhere"], 2)[0]
    assert first.startswith("error: --via: no node named 'Nowhere' in the network")


def test_a_store_that_is_a_device_is_not_a_regular_file():
    assert _lines(["runs", "list", "--store", "/dev/zero"], 4) == [
        "results store: /dev/zero is not a regular file (a device, pipe or socket); the "
        "results store is a DuckDB file (e.g. --store runs/landbridge.duckdb)"]


def test_a_base_that_is_a_directory_names_the_file_and_its_base(tmp_path):
    f = tmp_path / "b.yaml"
    f.write_text("base: .\nname: b\n")
    assert _lines(["scenario", "validate", str(f)], 2) == [
        "error: 1 problem in the scenario:",
        f"  - {f}: base: '.' is {tmp_path.resolve()}: a directory, expected a YAML file "
        "or a bundled scenario name"]
    assert not Path("runs").exists()
