"""`landbridge serve` in Debian's Chromium (headless, Playwright): close Alashankou–Dostyk
for 10 days with the page's controls, run, and check that the headline equals the same
computation on the command line's runs of the downloaded YAML; bad input shows the
schema's message; no request leaves localhost, the console stays clean, and SIGTERM
stops the server and its workers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LANDBRIDGE = Path(sys.executable).with_name("landbridge")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing (CI installs Debian's chromium "
                              "package in .ci/run; locally: apt-get install chromium)"),
]


def _children(pid: int) -> set[int]:
    """Live descendants of ``pid`` (from /proc)."""
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except FileNotFoundError:
            continue
        for t in tasks:
            try:
                kids = Path(f"/proc/{p}/task/{t}/children").read_text().split()
            except FileNotFoundError:
                continue
            for k in map(int, kids):
                if k not in out:
                    out.add(k)
                    todo.append(k)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def server(tmp_path):
    """``landbridge serve --port 0`` in a subprocess; yields (url, process, store)."""
    store = tmp_path / "page" / "landbridge.duckdb"
    proc = subprocess.Popen([str(LANDBRIDGE), "serve", "--port", "0", "--store", str(store),
                             "--workers", "2"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
    if not m:
        proc.kill()
        pytest.fail(f"server did not start: {line!r} {proc.stderr.read()}")
    try:
        yield m.group(1), proc, store
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _cli(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([str(LANDBRIDGE), *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_dostyk_closure_from_the_page_equals_the_cli(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from landbridge.web.headline import headline_of_dirs

    url, proc, store = server
    host = urlparse(url).netloc
    foreign: list[str] = []
    console: list[str] = []

    def route(r):
        if urlparse(r.request.url).netloc == host or r.request.url.startswith(
                ("data:", "blob:", "about:")):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100},
                                    accept_downloads=True)
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.route("**/*", route)
            page.goto(url)
            page.wait_for_function(
                "document.querySelectorAll('#map .layer.countries path').length > 0",
                timeout=60000)
            # the levers: close Alashankou–Dostyk for 10 days in January, 40-day horizon
            page.fill("#horizon", "40")
            page.press("#horizon", "Enter")
            page.click("#dis-target")
            page.keyboard.type("Alashankou")
            page.keyboard.press("Enter")
            page.check("#dis-kind input[value=closure]")
            page.fill("#dis-start", "2021-01-15")
            page.fill("#dis-end", "2021-01-25")
            page.click("#dis-add")
            page.wait_for_function(
                "document.querySelector('#yaml').innerText.includes('target: ASK-DST')",
                timeout=30000)
            yaml_text = page.inner_text("#yaml")
            assert "base: default" in yaml_text and "horizon_days: 40.0" in yaml_text
            assert "disruptions+:" in yaml_text
            with page.expect_download() as dl:
                page.click("#download-btn")
            whatif = tmp_path / "cli" / "what-if.yaml"
            whatif.parent.mkdir()
            dl.value.save_as(whatif)
            clicked = time.monotonic()
            page.click("#run")
            page.wait_for_selector("#headline-teu_delayed_1d", timeout=240000)
            (ARTIFACTS / "serve-timing.txt").write_text(
                f"Run pressed to headline shown: {time.monotonic() - clicked:.1f} s\n")
            page.wait_for_function(
                "document.querySelectorAll('#change-map .layer.countries path').length > 0",
                timeout=60000)
            # the space-time diagrams of the corridor through Dostyk, drawn after the headline
            page.wait_for_function(
                "document.querySelectorAll('#stringline-whatif .scatterlayer .trace').length > 0"
                " && document.querySelectorAll('#stringline-baseline .scatterlayer .trace')"
                ".length > 0", timeout=240000)
            shown = page.evaluate("""() => Object.fromEntries(
                [...document.querySelectorAll('[id^=headline-]')].map(e => [e.id, e.innerText]))""")
            page.screenshot(path=str(ARTIFACTS / "serve.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1500, "height": 1100})
            page.screenshot(path=str(ARTIFACTS / "serve-full.png"), full_page=True)
            # the finished baseline is offered as a stored-run baseline
            page.click("#baseline")
            page.wait_for_selector("text=stored run: default-", timeout=30000)
            page.keyboard.press("Escape")
            # bad input from the page: the schema's (and compiler's) own messages
            page.fill("#dis-start", "2021-02-10")
            page.fill("#dis-end", "2021-02-01")
            page.click("#dis-add")
            page.wait_for_selector("#messages li", timeout=30000)
            window_msg = page.inner_text("#messages")
            page.fill("#scale-west", "-1")
            page.press("#scale-west", "Enter")
            page.wait_for_function(
                "document.querySelector('#messages').innerText.includes('demand_scale')",
                timeout=30000)
            scale_msg = page.inner_text("#messages")
            # an uploaded what-if may not name a file on the server
            bad = tmp_path / "bad.yaml"
            bad.write_text("base: /etc/landbridge/secret.yaml\nname: x\nnetwork: /tmp\n")
            page.set_input_files("#upload input", str(bad))
            page.wait_for_function(
                "document.querySelector('#messages').innerText.includes('no file paths')",
                timeout=30000)
            upload_msg = page.inner_text("#messages")
            page.screenshot(path=str(ARTIFACTS / "serve-bad-input.png"))
        finally:
            browser.close()

    # the command line on the downloaded file and on the baseline, same seed
    data = __import__("yaml").safe_load(whatif.read_text())
    cli = tmp_path / "cli"
    runs = [_cli("simulate", str(whatif), "--store", str(cli / "s.duckdb"), "--out",
                 str(cli / "whatif"), "--json", cwd=cli),
            _cli("simulate", "default", "--days", "40", "--seed", str(data["seed"]),
                 "--store", str(cli / "s2.duckdb"), "--out", str(cli / "baseline"), "--json",
                 cwd=cli)]
    for r in runs:
        o, e = r.communicate(timeout=300)
        assert r.returncode == 0, e
    figures, lines = headline_of_dirs(cli / "whatif", cli / "baseline")
    expected = {f"headline-{f.key}": f.text for f in figures}
    expected["headline-lines"] = "\n\n".join(lines)
    assert shown == expected
    assert float(expected["headline-teu_delayed_1d"].replace(",", "")) > 0  # the closure bites
    # and the page's run is the CLI's, byte for byte (KPIs and event log)
    page_run = _page_run(store, data["name"])
    assert (page_run / "events.parquet").read_bytes() == (cli / "whatif" / "events.parquet"
                                                          ).read_bytes()
    assert json.loads((page_run / "kpis.json").read_text())["tables"] == json.loads(
        (cli / "whatif" / "kpis.json").read_text())["tables"]

    assert "window ends (2021-02-01T00:00:00+00:00) before it starts" in window_msg
    assert "demand_scale.westbound: expected a factor in (0, 1000]; found -1" in scale_msg
    assert "base: expected a bundled scenario" in upload_msg
    assert "network: the page runs the bundled network only" in upload_msg
    assert console == []
    assert foreign == []


def _page_run(store: Path, name: str) -> Path:
    from landbridge.store import ResultsStore

    runs = ResultsStore(store).runs()
    rec = runs[runs.scenario_name == name].iloc[-1]
    return Path(rec.run_dir)


def test_sigterm_stops_the_server_and_its_workers(server):
    url, proc, store = server
    kids = _children(proc.pid)
    assert kids, "the run queue's worker processes should be running"
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    deadline = time.monotonic() + 10
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [k for k in kids if _alive(k)] == []
    assert proc.returncode == 0
    assert "stopped" in proc.stderr.read()
