"""Suggestions for a misspelled name: the one "did you mean" of landbridge.

Node names, crossing and link ids, scenario keys, bundled scenario names and what-if
ids all go through :func:`close_matches`, so every message suggests the same way: at most
three candidates, closest first, each once.
"""

from __future__ import annotations

import difflib
from typing import Iterable, Mapping

__all__ = ["close_matches", "did_you_mean"]

_SPREAD = 0.05
"""Candidates less similar than the best by more than this are not suggested (a clear
best match is suggested alone: ``windw`` → ``window``, not also ``kind``)."""


def close_matches(word: str, choices: Iterable[str] | Mapping[str, str], n: int = 3,
                  cutoff: float = 0.6) -> list[str]:
    """The up to ``n`` choices closest to ``word``, best first, without repeats.

    Parameters
    ----------
    word : str
        What was written.
    choices : iterable of str, or mapping
        The valid names; a mapping maps each spelling that may be matched (a name, an
        alias, a word of a name) to the label to suggest (``"Istanbul (Halkalı) (IST)"``),
        so several spellings of one thing are suggested once.
    n : int
        Most suggestions.
    cutoff : float
        Least similarity (``difflib.SequenceMatcher.ratio``), compared case-insensitively;
        candidates more than 0.05 below the best are dropped too.

    Returns
    -------
    list of str
        Labels (or choices), best first; empty when nothing is close.

    Examples
    --------
    >>> close_matches("departures_per_wek", ["departures_per_week", "weekdays"])
    ['departures_per_week']
    >>> close_matches("istambul", {"Istanbul": "Istanbul (IST)", "IST": "Istanbul (IST)"})
    ['Istanbul (IST)']
    """
    labels = dict(choices) if isinstance(choices, Mapping) else {c: c for c in choices}
    folded: dict[str, list[str]] = {}
    for spelling, label in labels.items():
        folded.setdefault(str(spelling).casefold(), []).append(label)
    key = str(word).strip().casefold()
    scored = sorted(((difflib.SequenceMatcher(None, key, s).ratio(), s) for s in folded),
                    key=lambda x: (-x[0], x[1]))
    out: list[str] = []
    best = scored[0][0] if scored else 0.0
    for score, s in scored:
        if score < cutoff or score < best - _SPREAD:
            break
        for label in sorted(folded[s]):
            if label not in out:
                out.append(label)
        if len(out) >= n:
            break
    return out[:n]


def did_you_mean(word: str, choices: Iterable[str] | Mapping[str, str], n: int = 3,
                 cutoff: float = 0.6) -> str:
    """``"; did you mean a, b?"`` for :func:`close_matches`, or ``""`` when none is close."""
    close = close_matches(word, choices, n=n, cutoff=cutoff)
    return f"; did you mean {', '.join(close)}?" if close else ""
