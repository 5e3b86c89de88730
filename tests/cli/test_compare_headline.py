"""The compare headline names the fastest, cheapest and lowest-CO2 option and the
best rail corridor's saving against sea, from the options' own figures."""

from landbridge.cli.plan_cmd import compare_headline
from landbridge.planning.compare import ModeComparison, ModeOption


def test_headline_picks_each_best_and_the_rail_saving_against_sea():
    cmp = ModeComparison(origin="A", destination="B", sources={}, options=(
        ModeOption("rail", "X-Y", 9000.0, 14.0, 7000.0, 700.0),
        ModeOption("rail+ferry", "X-Y · F ferry", 8000.0, 13.0, 6500.0, 800.0),
        ModeOption("sea", "P→Q", 17000.0, 32.0, 3000.0, 350.0),
        ModeOption("air", "great circle", 7000.0, 3.0, 64000.0, 34000.0),
    ))
    lines = compare_headline(cmp)
    assert lines[0].startswith("Fastest (uncongested): air (3.0 d")
    assert "cheapest: sea (32.0 d, USD 3,000/FEU" in lines[0]
    assert lines[0].endswith("lowest CO2: sea.")
    # best rail = the faster rail option (13.0 d): 32 - 13 = 19 days, 6,500 - 3,000 = 3,500 USD
    assert lines[1] == ("Best rail (rail+ferry via X-Y · F ferry) saves 19.0 days against sea "
                        "for USD 3,500 more per FEU, uncongested: queues at crossings and "
                        "ferries add days.")
    assert lines[2].startswith("Uncongested (static) times") and "without queues" in lines[2]
    assert "run `landbridge simulate` for queues" in lines[2]
