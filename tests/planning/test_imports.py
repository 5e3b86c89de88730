"""The planner's import path stays light: `plan --no-sim` needs scipy.optimize, not the
simulator, pandas, pyarrow or scipy.stats (they load only for the simulation checks and
``to_tables``), nor networkx (routing searches its own adjacency dicts)."""

import subprocess
import sys

HEAVY = ("pandas", "pyarrow", "scipy.stats", "duckdb", "plotly", "dask", "simpy",
         "landbridge.simulation", "landbridge.analysis", "networkx")


def test_planning_imports_nothing_heavy():
    code = ("import sys, landbridge.planning, landbridge.planning.fluid, "
            "landbridge.network.routing, landbridge.scenario.compile; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
