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


def test_validate_scenario_resolves_default_as_every_command_does():
    from landbridge.cli.validate_cmd import _row_scenarios

    rows = ["cre-2019", "cre-2021", "cre-2024"]
    # default.yaml is `base: cre-2021` with its own name and description only
    assert _row_scenarios(["default"], rows) == {"cre-2021"}
    assert _row_scenarios(["cre-2019", "default", "cre-2021"], rows) == {"cre-2019",
                                                                          "cre-2021"}


def test_validate_scenario_names_every_bad_value_before_simulating():
    res = _fails(["validate", "--scenario", "defualt", "--scenario", "restored"])
    lines = res.output.splitlines()
    assert lines[0] == "error: 2 problems in the command line:"
    # the scenario resolver's own message (the bundled names listed), then the rows'
    assert lines[1].startswith("  - <command line>: --scenario: 'defualt' is neither a "
                               "scenario file nor a bundled scenario (")
    assert lines[1].endswith("). Did you mean default? The observation rows name "
                             "cre-2019, cre-2021, cre-2024.")
    # restored is cre-2021 without the measures: a scenario, but no row is about it
    assert lines[2] == (
        "  - <command line>: --scenario: no observation row is about scenario 'restored' "
        "(nor about a scenario equal to it apart from its name); the rows name cre-2019, "
        "cre-2021, cre-2024")
    assert "simulating" not in res.output


def test_serve_host_that_does_not_resolve_fails_before_the_listening_note(tmp_path):
    res = _fails(["serve", "--host", "nosuch.invalid", "--port", "0",
                  "--store", str(tmp_path / "s.duckdb"), "--workers", "1"])
    lines = res.output.splitlines()
    assert lines[0] == "error: 1 problem in the command line:"
    # the resolver's reason in parentheses depends on the machine's DNS set-up
    assert lines[1].startswith("  - <command line>: --host: 'nosuch.invalid' does not "
                               "resolve to an IPv4 address (")
    assert lines[1].endswith("); give a host name or IP address of this machine, "
                             "e.g. 127.0.0.1")
    assert len(lines) == 2  # no "note: listening on ...", no page address
    assert not (tmp_path / "serve").exists()  # nothing started


def test_serve_port_in_use_is_a_usage_error_naming_the_port(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        res = _fails(["serve", "--port", str(port), "--store", str(tmp_path / "s.duckdb"),
                      "--workers", "1"])
    assert res.output.splitlines()[1] == (
        f"  - <command line>: --port: port {port} on 127.0.0.1 is in use by another program "
        "(Address already in use); give another port, or 0 for any free one")


def test_serve_refuses_a_url_as_host(tmp_path):
    res = _fails(["serve", "--host", "http://localhost", "--store", str(tmp_path / "s.duckdb")])
    assert res.output.splitlines()[1] == (
        "  - <command line>: --host: expected a host name or IP address of this machine "
        "(e.g. 127.0.0.1, or 0.0.0.0 for every address); found 'http://localhost'")


def test_listen_socket_binds_any_free_port_on_port_0():
    from landbridge.web.server import listen_socket

    with listen_socket("127.0.0.1", 0) as sock:
        host, port = sock.getsockname()
        assert host == "127.0.0.1" and 0 < port <= 65535
        # listening: a client connects
        import socket

        with socket.create_connection((host, port)):
            pass


def test_runs_compare_names_both_unknown_runs(tmp_path):
    from landbridge.store import ResultsStore

    st = ResultsStore(tmp_path / "s.duckdb")
    with st._connect(write=True):  # an empty store
        pass
    res = _fails(["runs", "compare", "nosuch-a", "nosuch-b", "--store", str(st.path)])
    assert res.output.splitlines() == [
        "error: 2 problems in the command line:",
        "  - <command line>: RUN_A: no run 'nosuch-a' in the results store (the store is "
        "empty).",
        "  - <command line>: RUN_B: no run 'nosuch-b' in the results store (the store is "
        "empty).",
    ]


def test_route_via_an_endpoint_is_a_usage_error_naming_the_via():
    res = _fails(["route", "Xian", "Duisburg", "--via", "Xian"])
    assert res.output.splitlines()[1] == (
        "  - <command line>: --via: 'Xian' is the origin (Xi'an (Xinzhu, Xi'an International "
        "Port) (XA)); a via point lies between the origin and the destination: leave it out")
    res = _fails(["compare", "Xian", "Duisburg", "--via", "Aktau", "--via", "DUI"])
    assert res.output.splitlines()[1] == (
        "  - <command line>: --via 2: 'DUI' is the destination (Duisburg (duisport) (DUI)); "
        "a via point lies between the origin and the destination: leave it out")
    res = _fails(["route", "Xian", "Istanbul", "--via", "Aktau", "--via", "AKU"])
    assert res.output.splitlines()[1] == (
        "  - <command line>: --via 2: 'AKU' is the via point before it again (Aktau port "
        "(AKU)); give it once")
    res = _fails(["route", "XA", "Xian"])
    assert res.output.splitlines()[1] == (
        "  - <command line>: DESTINATION: 'Xian' is the origin too (Xi'an (Xinzhu, Xi'an "
        "International Port) (XA)); give two different nodes")
