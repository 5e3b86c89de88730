"""The one money formatter: three significant digits, so USD 1,500,000 is "USD 1.5 M"
(the serve page showed it as "USD 2 M" while plan printed 1,500,000)."""

import pytest

from landbridge.money import usd_short


@pytest.mark.parametrize("amount, text", [
    (1_500_000, "USD 1.5 M"), (2_000_000, "USD 2 M"), (41_250_000, "USD 41.2 M"),
    (15_000_000, "USD 15 M"), (123_000_000, "USD 123 M"), (1_160_000_000, "USD 1.16 bn"),
    (999_999, "USD 999,999"), (250_000, "USD 250,000"), (0, "USD 0"),
    (-2_500_000, "USD -2.5 M"), (2.5e12, "USD 2,500 bn"),
])
def test_usd_short(amount, text):
    assert usd_short(amount) == text


def test_a_non_finite_amount_is_refused_naming_it():
    with pytest.raises(ValueError, match="got nan"):
        usd_short(float("nan"))


def test_the_serve_page_lists_bakhty_24h_at_usd_1_5_m(tmp_path):
    from landbridge.runners import InProcessExecutor
    from landbridge.web.app import create_app
    from landbridge.web.jobs import JobQueue

    jobs = JobQueue(InProcessExecutor(), tmp_path / "s.duckdb", tmp_path / "runs",
                    tmp_path / "work")
    try:
        app = create_app(jobs, tmp_path / "s.duckdb", tmp_path / "work")
        options, _ = app.callback_map["..investments.options...investments.value.."][
            "callback"].__wrapped__("bundled:default")
    finally:
        jobs.shutdown()
    labels = {o["value"]: o["label"] for o in options}
    assert labels["bakhty-24h"] == " 24-hour operation at the Bakhty road post (USD 1.5 M)"
