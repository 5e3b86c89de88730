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
    "a: &a {x: 1, y: 2}\nb: {<<: *a, y: 3}",  # merge key
    "a: 1\nb: [1,\n  \x00]",            # NUL
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


def test_a_control_character_is_named_with_its_line_by_both_parsers():
    for load in (textfiles.loads_yaml, textfiles._python_load):
        with pytest.raises(yaml.MarkedYAMLError) as exc:
            load("a: 1\nb: [1,\n  \x00]")
        assert exc.value.problem == ("character U+0000 is not allowed in YAML text (a "
                                     "control character other than tab or a line break, "
                                     "or a non-character)")
        assert exc.value.problem_mark.line + 1 == 3
    problem = textfiles.yaml_problem(exc.value, "w.yaml")
    assert str(problem) == ("w.yaml: line 3: malformed YAML: character U+0000 is not "
                            "allowed in YAML text (a control character other than tab or "
                            "a line break, or a non-character)")


def test_merge_keys_merge_with_the_mappings_own_keys_winning():
    # the resolver tags <<; the duplicate-key check used to construct it as a key
    text = "a: &a {x: 1, y: 2}\nb: &b {z: 4}\nc: {<<: *a, y: 3}\nd: {<<: [*a, *b], x: 0}"
    assert textfiles.loads_yaml(text) == {"a": {"x": 1, "y": 2}, "b": {"z": 4},
                                          "c": {"x": 1, "y": 3}, "d": {"x": 0, "y": 2, "z": 4}}
    with pytest.raises(textfiles.DuplicateKeyError):  # own keys are still checked
        textfiles.loads_yaml("a: &a {x: 1}\nb: {<<: *a, y: 2, y: 3}")


def test_a_document_of_too_many_plain_values_is_refused_while_composing():
    # no alias: the message does not call it an alias bomb; the list (1 value) and its
    # first 99,999 items are read, the 100,000th item (line 100,000) is one too many
    text = "- 1\n" * 100_001
    for load in (textfiles.loads_yaml, textfiles._python_load):
        with pytest.raises(textfiles.InputLimitError) as exc:
            load(text)
        assert str(exc.value) == "the document has more than 100,000 values; refused"
        assert exc.value.line == 100_000
    assert len(textfiles.loads_yaml("- 1\n" * 99_999)) == 99_999
