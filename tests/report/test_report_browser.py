"""Open a generated report in Debian's Chromium (headless, Playwright): map, charts and
tables render, the console stays clean, and the page makes no network request."""

from __future__ import annotations

from pathlib import Path

import pytest

from landbridge.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing (CI installs Debian's chromium "
                              "package in .ci/run; locally: apt-get install chromium)"),
]


def test_report_renders_offline_in_chromium(report_runs, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    busy, plain = report_runs
    html = write_report(busy, tmp_path / "report.html", baseline_dir=plain)
    foreign: list[str] = []
    console: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            foreign.append(url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: foreign.append(f"failed: {r.url}")
                    if not r.url.startswith("file:") else None)
            page.route("**/*", route)
            page.goto(html.as_uri())
            # plotly draws asynchronously: wait for the country outlines of the map
            page.wait_for_function(
                "document.querySelectorAll('#map .layer.countries path').length > 0",
                timeout=30000)
            page.wait_for_function(
                "document.querySelectorAll('#chart-throughput .barlayer .trace').length > 0",
                timeout=30000)
            got = page.evaluate("""() => ({
                countries: document.querySelector('#map .layer.countries path')
                            .getAttribute('d').length,
                land: document.querySelectorAll('#map .layer.land path').length,
                links: document.querySelectorAll('#map .scatterlayer .trace.scattergeo').length,
                queue: document.querySelectorAll('#chart-queue .scatterlayer .trace').length,
                boxes: document.querySelectorAll('#chart-transit .boxlayer .trace').length,
                throughput: document.querySelectorAll(
                    '#chart-throughput .barlayer .trace').length,
                od_rows: document.querySelectorAll('#kpi-od tbody tr').length,
                crossing_rows: document.querySelectorAll('#kpi-crossings tbody tr').length,
                idle_rows: document.querySelectorAll('#kpi-crossings-idle tbody tr').length,
                headline: document.querySelectorAll('#headline li').length,
                stringline: document.querySelectorAll(
                    '#chart-stringline .scatterlayer .trace, #chart-stringline .gl-container')
                    .length,
                delta_rows: document.querySelectorAll('#deltas tbody tr').length,
                manifest_rows: document.querySelectorAll('#manifest-table tr').length,
            })""")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            page.locator("#map-section").screenshot(path=str(ARTIFACTS / "report-map.png"))
        finally:
            browser.close()
    assert got["countries"] > 1000          # country outlines drawn from the bundled geometry
    assert got["land"] >= 1
    # 6 links + colour-bar carrier + nodes + crossings + their labels + baseline rings
    # + city labels
    assert got["links"] == 6 + 6
    assert got["queue"] >= 2                # B-C and E-F a_to_b, this run and baseline
    assert got["boxes"] == 2                # this run and baseline
    assert got["throughput"] == 4           # dispatched/delivered x run/baseline
    # two crossings with trains one way; the other direction of each behind the toggle
    assert got["od_rows"] == 1 and got["crossing_rows"] == 2 and got["idle_rows"] == 2
    assert got["headline"] >= 3 and got["stringline"] >= 1
    assert got["delta_rows"] > 0 and got["manifest_rows"] >= 10
    assert console == []
    assert foreign == []
    assert (ARTIFACTS / "report.png").stat().st_size > 10000


@pytest.mark.parametrize("width", [1400, 1000])
def test_report_never_scrolls_horizontally(report_runs, tmp_path, width):
    """The page fits the window at 1,400 and 1,000 px: tables wrap, charts shrink
    (the validation scorecard's too, with the longest published figures and ids)."""
    from landbridge.analysis.validation import load_observations, Scorecard, ScoreRow

    sync_api = pytest.importorskip("playwright.sync_api")
    busy, plain = report_runs
    card = Scorecard(tuple(ScoreRow(o, 1_567_054.0, 0.0, 2, "outside")
                           for o in load_observations()))
    html = write_report(busy, tmp_path / "report.html", baseline_dir=plain, scorecard=card,
                        scorecard_note="Scored on this run.")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(html.as_uri())
            page.wait_for_function(
                "document.querySelectorAll('#map .layer.countries path').length > 0",
                timeout=30000)
            # open every toggle: hidden rows must fit too
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            got = page.evaluate("""() => ({
                scroll: document.documentElement.scrollWidth,
                inner: window.innerWidth,
                widest: Math.max(...[...document.querySelectorAll('table, .plotly-graph-div')]
                                 .map(e => e.getBoundingClientRect().right)),
            })""")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"report-{width}.png"), full_page=True)
        finally:
            browser.close()
    assert got["scroll"] <= got["inner"], got
    assert got["widest"] <= got["inner"], got
