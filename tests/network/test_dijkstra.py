"""Routing's own Dijkstra answers as networkx's does, ties included (issue 13: the
planner and compile no longer import networkx, their routes must not change)."""

from __future__ import annotations

import random

import networkx as nx

from landbridge.network.routing import _dijkstra_path, _Graph, _has_path, _path_weight


def _pair(seed: int, n: int = 12, m: int = 26):
    """The same random graph as networkx and as routing's adjacency dicts; weights from
    a few values so that equal-cost paths (ties) are common."""
    rnd = random.Random(seed)
    nodes = [f"N{i:02d}" for i in range(n)]
    g = nx.Graph()
    g.add_nodes_from(nodes)
    adj: dict[str, dict[str, dict]] = {v: {} for v in nodes}
    for _ in range(m):
        u, v = rnd.sample(nodes, 2)
        if g.has_edge(u, v):
            continue
        w = rnd.choice([1.0, 2.0, 2.0, 3.5])
        g.add_edge(u, v, weight=w)
        adj[u][v] = adj[v][u] = {"weight": w, "link": f"{u}-{v}"}
    return g, _Graph(adj), nodes, rnd


def test_paths_and_ties_as_networkx():
    compared = 0
    for seed in range(40):
        g, ours, nodes, rnd = _pair(seed)
        hide_n = set(rnd.sample(nodes, 2))
        hide_e = [tuple(e) for e in rnd.sample(sorted(g.edges), 3)]
        views = [(g, ours), (nx.restricted_view(g, hide_n, hide_e), ours.restricted(hide_n, hide_e))]
        for nxg, og in views:
            for a in nodes:
                for b in nodes:
                    try:
                        want = nx.dijkstra_path(nxg, a, b, weight="weight")
                    except (nx.NetworkXNoPath, nx.NodeNotFound):
                        want = None
                    assert _dijkstra_path(og, a, b) == want, (seed, a, b)
                    if want is not None:
                        assert _path_weight(og, want) == nx.path_weight(nxg, want, "weight")
                        compared += 1
    assert compared > 5000


def test_reachability_on_two_components():
    adj = {"A": {"B": {"weight": 1.0, "link": "AB"}}, "B": {"A": {"weight": 1.0, "link": "AB"}},
           "C": {}}
    g = _Graph(adj)
    assert _has_path(g, "A", "B") and not _has_path(g, "A", "C")
    assert _dijkstra_path(g, "A", "C") is None
    # hiding the only edge cuts A from B
    assert _dijkstra_path(g.restricted([], [("B", "A")]), "A", "B") is None
