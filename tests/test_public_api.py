"""The public API is exactly what `__all__` lists, and every name in it exists."""

import importlib

import landbridge

EXPECTED_TOP = {
    "__version__",
    "LandbridgeError", "Problem", "InputError", "NetworkError", "ScenarioError",
    "UnknownNameError", "UsageError", "NoAnswerError", "NoRouteError", "InfeasiblePlanError",
    "InvariantError", "StoreError",
    "Network", "Node", "Link", "BorderCrossing", "Route", "load_network", "find_routes",
}


def test_top_level_exports_are_the_intended_ones():
    assert set(landbridge.__all__) == EXPECTED_TOP
    for name in landbridge.__all__:
        assert hasattr(landbridge, name), name


def test_subpackage_exports_resolve():
    for mod in ("network", "scenario", "simulation", "analysis", "runners", "store",
                "planning", "report"):
        m = importlib.import_module(f"landbridge.{mod}")
        assert m.__all__, mod
        for name in m.__all__:
            assert hasattr(m, name), f"landbridge.{mod}.{name}"


def test_error_tree_separates_bad_input_from_no_answer():
    assert issubclass(landbridge.NetworkError, landbridge.InputError)
    assert issubclass(landbridge.ScenarioError, landbridge.InputError)
    assert issubclass(landbridge.NoRouteError, landbridge.NoAnswerError)
    assert issubclass(landbridge.InfeasiblePlanError, landbridge.NoAnswerError)
    assert not issubclass(landbridge.NoAnswerError, landbridge.InputError)
    err = landbridge.ScenarioError([landbridge.Problem("s.yaml", "services[3]", "departures_per_week", "must be > 0")])
    assert "s.yaml: services[3].departures_per_week: must be > 0" in str(err)


def test_layers_never_import_upper_ones():
    """network ← scenario ← simulation/planning ← analysis ← report/store ← runners ← cli."""
    import ast
    from pathlib import Path

    order = ["network", "scenario", "simulation", "planning", "analysis", "store", "report",
             "runners", "cli"]
    rank = {name: i for i, name in enumerate(order)}
    rank["planning"] = rank["simulation"]
    rank["report"] = rank["store"]
    root = Path(landbridge.__file__).parent
    bad = []
    for pkg in order:
        for f in (root / pkg).glob("*.py"):
            tree = ast.parse(f.read_text())
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                    for n in names:
                        parts = n.split(".")
                        if parts[0] == "landbridge" and len(parts) > 1 and parts[1] in rank:
                            if rank[parts[1]] > rank[pkg]:
                                bad.append(f"{f.relative_to(root)} imports {n}")
    assert not bad, bad
