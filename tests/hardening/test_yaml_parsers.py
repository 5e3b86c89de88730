"""The YAML reader gives the same values and the same errors whether libyaml's parser
(C, used for speed when PyYAML has it) or PyYAML's pure-Python parser reads a text."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from landbridge import textfiles

pytestmark = pytest.mark.skipif(textfiles._CStrictLoader is None,
                                reason="PyYAML without libyaml: one parser only")

TEXTS = [
    "a: 1.5\nb: -.inf\nc: ~\nd: 2021-01-01 10:00:00+02:00\ne: '010'\nf: 1_000\ng: NO\nh: 1:30",
    "- &a {x: 1}\n- *a\n- [1, {y: [true, false]}]",
    "a: [1, 2",                      # parser error
    "a: b: c",                       # scanner error
    "x:\n  - 1\n - 2",               # bad indentation
    "a: 1\na: 2",                    # duplicate key
    "d: 2021-02-30",                 # impossible date
    "[" * 70 + "]" * 70,             # too deep
    "a: &a [*a]",                    # endless alias
    "a: \x07",                       # control character
    "---\na: 1\n---\nb: 2",          # two documents
]


def _outcome(load, text):
    try:
        return ("value", load(text))
    except Exception as exc:  # noqa: BLE001 - compared, not handled
        mark = getattr(exc, "problem_mark", None)
        return ("error", type(exc).__name__, getattr(exc, "problem", None) or str(exc),
                getattr(mark, "line", getattr(exc, "line", None)))


@pytest.mark.parametrize("text", TEXTS)
def test_same_value_or_error_from_both_parsers(text):
    assert _outcome(textfiles.loads_yaml, text) == _outcome(textfiles._python_load, text)


def test_bundled_files_read_the_same():
    data = resources.files("landbridge") / "data"
    files = [p for p in (data / "scenarios").iterdir() if p.name.endswith(".yaml")]
    files += [data / "network" / "crossings.yaml", data / "modes.yaml"]
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert textfiles.loads_yaml(text) == textfiles._python_load(text), p.name


def test_a_malformed_text_keeps_the_python_parsers_message():
    with pytest.raises(yaml.parser.ParserError) as exc:
        textfiles.loads_yaml("x:\n  - 1\n - 2")
    assert exc.value.problem == "expected <block end>, but found '<block sequence start>'"
    assert exc.value.problem_mark.line == 2
