"""Reading the project's text inputs (JSON, GeoJSON, YAML) strictly and safely.

This is the one reader of landbridge's input files. It refuses, with a message naming
the file and the line, what plain ``json``/``yaml.safe_load`` would accept silently,
crash on, hang on or exhaust memory with:

* **duplicate keys** (plain parsers keep the last value);
* **special files**: a FIFO, a device (``/dev/zero``, ``/dev/urandom``), a socket or a
  directory is refused by its type before anything is read (the file is opened
  non-blocking and checked with ``fstat``, so it cannot be swapped in between);
* **size**: at most :data:`MAX_FILE_BYTES` bytes are read;
* **nesting**: at most :data:`MAX_DEPTH` levels of mappings and lists (checked while
  composing YAML, and on the parsed JSON without recursion);
* **YAML aliases**: the document with its aliases expanded may have at most
  :data:`MAX_EXPANDED_NODES` nodes ("billion laughs" is refused before it is built);
* **numbers** longer than :data:`MAX_NUMBER_CHARS` characters;
* **YAML 1.1 guesses**: the resolver follows YAML 1.2's core schema, so ``1:30`` is
  the text ``"1:30"`` (YAML 1.1: the sexagesimal number 90), ``010`` and ``0x10`` are
  text (YAML 1.1: octal 8 and 16), and only ``true``/``false`` are booleans
  (``country: NO`` is Norway, not ``False``). A field that needs a number then says it
  found text. ``1e9`` is a number (YAML 1.1 needs ``1.0e+9``). Dates
  (``2021-01-01``) and date-times stay dates.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.resolver import BaseResolver

from landbridge.errors import InputError, Problem

__all__ = ["DuplicateKeyError", "InputLimitError", "loads_json", "loads_yaml",
           "read_text_file", "load_yaml_file", "load_json_file", "file_kind",
           "MAX_FILE_BYTES", "MAX_DEPTH", "MAX_EXPANDED_NODES", "MAX_NUMBER_CHARS"]

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Largest input file read (32 MiB; the bundled network is under 0.2 MiB)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists (the scenario format needs fewer than 10)."""
MAX_EXPANDED_NODES = 100_000
"""Most YAML nodes of a document once its aliases are expanded."""
MAX_NUMBER_CHARS = 100
"""Longest number literal, in characters."""


class DuplicateKeyError(ValueError):
    """A mapping has the same key twice; ``line`` is 1-based where known."""

    def __init__(self, key: str, line: int | None = None):
        self.key = key
        self.line = line
        super().__init__(f"duplicate key {key!r}" + (f" at line {line}" if line else ""))


class InputLimitError(ValueError):
    """A text exceeds one of the input limits (depth, alias expansion, number length);
    ``line`` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message)


# ----------------------------------------------------------------------------- JSON
def _number(text: str, convert):
    if len(text) > MAX_NUMBER_CHARS:
        raise InputLimitError(f"a number of {len(text):,} characters (at most "
                              f"{MAX_NUMBER_CHARS} are read): {text[:20]}…")
    return convert(text)


def _depth_problem(data: Any) -> str | None:
    """The first place where ``data`` nests deeper than :data:`MAX_DEPTH` (no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels of objects and lists"
        stack.extend((c, depth + 1) for c in children)
    return None


def loads_json(text: str) -> Any:
    """Parse JSON text, rejecting duplicate keys and anything over the input limits.

    Raises
    ------
    json.JSONDecodeError
        Malformed JSON (with ``lineno``).
    DuplicateKeyError
        An object with a repeated key.
    InputLimitError
        Nesting deeper than :data:`MAX_DEPTH`, or a number longer than
        :data:`MAX_NUMBER_CHARS` characters.
    """

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out:
                raise DuplicateKeyError(k)
            out[k] = v
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs,
                          parse_int=lambda s: _number(s, int),
                          parse_float=lambda s: _number(s, float))
    except RecursionError:
        raise InputLimitError(f"nested deeper than {MAX_DEPTH} levels of objects and lists"
                              ) from None
    problem = _depth_problem(data)
    if problem:
        raise InputLimitError(problem)
    return data


# ----------------------------------------------------------------------------- YAML
class _Resolver(BaseResolver):
    """Implicit tags after YAML 1.2's core schema (plus dates and merge keys)."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                  |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
                   (?:[Tt]|[ \t]+)[0-9][0-9]?
                   :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                   (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X),
    list("0123456789"))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
# a leading-zero float such as 01.5 would match the float pattern: 0-prefixed
# integers are text, so are these (checked in the constructor below)
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]")


class _StrictRules(yaml.composer.Composer, yaml.constructor.SafeConstructor, _Resolver):
    """Composing and constructing of a safe load (no Python tags) with the YAML 1.2-like
    resolver above, which rejects duplicate keys, nesting deeper than :data:`MAX_DEPTH`,
    alias bombs, overlong numbers and impossible dates, each with its line; the events
    come from the parser the loader class puts beside it."""

    def compose_node(self, parent, index):  # noqa: D401 - yaml API
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise InputLimitError(f"nested deeper than {MAX_DEPTH} levels of mappings "
                                      "and lists", mark.line + 1)
            # values written (an alias once): over the limit, the expanded document is
            # too; refused while composing (a 10 MB list of plain values took 35 s and
            # 680 MB before the expansion check, which called it an alias bomb)
            self._nodes = getattr(self, "_nodes", 0) + 1
            if self._nodes > MAX_EXPANDED_NODES:
                mark = self.peek_event().start_mark
                raise InputLimitError(f"the document has more than {MAX_EXPANDED_NODES:,} "
                                      "values; refused", mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_document(self, node):  # noqa: D401 - yaml API
        _check_expansion(node)
        return super().construct_document(node)

    def construct_mapping(self, node, deep=False):  # noqa: D401 - yaml API
        seen: set = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # <<: *base, merged by flatten_mapping (own keys win)
            key = self.construct_object(key_node, deep=deep)
            try:
                hashable = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping or list used as a key; keys must be text or "
                    "numbers", key_node.start_mark) from None
            if hashable:
                raise DuplicateKeyError(str(key), key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):  # noqa: D401 - yaml API
        value = self.construct_scalar(node)
        text = value.replace("_", "")
        if len(text) > MAX_NUMBER_CHARS:
            raise InputLimitError(f"a number of {len(text):,} characters (at most "
                                  f"{MAX_NUMBER_CHARS} are read)", node.start_mark.line + 1)
        if not re.fullmatch(r"[-+]?[0-9]+", text) or _LEADING_ZERO.match(text):
            raise yaml.constructor.ConstructorError(
                None, None, f"{value!r} is not a decimal integer (octal, hexadecimal and "
                "base-60 numbers are not read)", node.start_mark)
        return int(text)

    def construct_yaml_float(self, node):  # noqa: D401 - yaml API
        value = self.construct_scalar(node)
        if len(value) > MAX_NUMBER_CHARS:
            raise InputLimitError(f"a number of {len(value):,} characters (at most "
                                  f"{MAX_NUMBER_CHARS} are read)", node.start_mark.line + 1)
        if _LEADING_ZERO.match(value) and not re.match(r"^[-+]?0\.", value):
            return value  # 01.5: text, as 010 is
        return super().construct_yaml_float(node)

    def construct_yaml_timestamp(self, node):  # noqa: D401 - yaml API
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"no such date or time {node.value!r} ({exc})",
                node.start_mark) from None


for _tag, _fn in (("int", _StrictRules.construct_yaml_int),
                  ("float", _StrictRules.construct_yaml_float),
                  ("timestamp", _StrictRules.construct_yaml_timestamp)):
    _StrictRules.add_constructor(f"tag:yaml.org,2002:{_tag}", _fn)


class _StrictLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                    _StrictRules):
    """The strict loader on PyYAML's pure-Python reader, scanner and parser."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self._depth = 0


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser as _CParser

    class _CStrictLoader(_StrictRules, _CParser):
        """The strict loader on libyaml's scanner and parser (C, about 8 times faster on
        the bundled files; issue 13). Only the events come from C: nodes are composed
        by the Python composer above, so the depth limit is checked while composing
        (libyaml's own composer recurses without a limit)."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            _Resolver.__init__(self)
            self._depth = 0
else:  # pragma: no cover - PyYAML built without libyaml
    _CStrictLoader = None


def _check_expansion(root) -> None:
    """Refuse a document whose alias-expanded size exceeds :data:`MAX_EXPANDED_NODES`.

    Node sizes are memoised per node, so this is linear in the nodes written, however
    large the expansion; the composer has already bounded the depth."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()  # on the current path: an alias back to one is a cycle
    # iterative post-order over the node graph (aliases share node objects)
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [x for pair in node.value for x in pair]
        else:
            sizes[id(node)] = 1
            continue
        if not done:
            if id(node) in open_:
                raise InputLimitError("an alias (*name) refers to a mapping or list that "
                                      "contains it: an endless structure",
                                      node.start_mark.line + 1)
            open_.add(id(node))
            stack.append((node, True))
            for c in children:
                if id(c) in open_:
                    raise InputLimitError("an alias (*name) refers to a mapping or list "
                                          "that contains it: an endless structure",
                                          c.start_mark.line + 1)
                if id(c) not in sizes:
                    stack.append((c, False))
            continue
        open_.discard(id(node))
        total = 1 + sum(sizes.get(id(c), 0) for c in children)
        if total > MAX_EXPANDED_NODES:
            raise InputLimitError(
                f"with its aliases (*name) expanded the document has more than "
                f"{MAX_EXPANDED_NODES:,} values; refused (an alias bomb?)",
                node.start_mark.line + 1)
        sizes[id(node)] = total


def loads_yaml(text: str) -> Any:
    """Parse YAML text safely (no Python tags) with the YAML 1.2-like resolver of this
    module, rejecting duplicate keys and anything over the input limits.

    Raises
    ------
    yaml.YAMLError
        Malformed YAML (``problem_mark`` gives the line), an impossible date, a key that
        is a mapping or list.
    DuplicateKeyError
        A mapping with a repeated key (with its line).
    InputLimitError
        Nesting deeper than :data:`MAX_DEPTH`, an alias expansion over
        :data:`MAX_EXPANDED_NODES` nodes, a number over :data:`MAX_NUMBER_CHARS`
        characters (with its line).
    """
    if _CStrictLoader is not None:
        loader = _CStrictLoader(text)
        try:
            return loader.get_single_data()
        except (yaml.scanner.ScannerError, yaml.parser.ParserError,
                yaml.reader.ReaderError) as exc:
            # malformed text: the pure-Python parser's message and line (the ones
            # users and the tests know); its verdict is the same
            c_error = exc
        finally:
            loader.dispose()
        _python_load(text)
        raise c_error
    return _python_load(text)


def _python_load(text: str) -> Any:
    loader = None
    try:
        loader = _StrictLoader(text)  # its reader checks every character here
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        # a character YAML does not allow (a control character): its line, which
        # PyYAML gives only as a position in "<unicode string>"
        line = text.count("\n", 0, max(exc.position, 0))
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise yaml.MarkedYAMLError(
            problem=f"character U+{code:04X} is not allowed in YAML text (a control "
                    "character other than tab or a line break, or a non-character)",
            problem_mark=yaml.Mark("<text>", exc.position, line, 0, None, None)) from None
    finally:
        if loader is not None:
            loader.dispose()


# ----------------------------------------------------------------------------- files
def file_kind(mode: int) -> str:
    """What a ``st_mode`` denotes, in words (``"a FIFO (named pipe)"``, ...)."""
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISREG, "a regular file"),
                       (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "a special file"


def read_text_file(path: str | Path, error: type[InputError] = InputError,
                   label: str | None = None, what: str = "text file") -> str:
    """Read a UTF-8 text file (a BOM is dropped) of at most :data:`MAX_FILE_BYTES`.

    Anything but a regular file (after following symbolic links) is refused by its
    type before it is read: a FIFO would block, ``/dev/zero`` would never end.

    Parameters
    ----------
    path : str or Path
    error : type of InputError
        The error raised (``ScenarioError``, ``NetworkError``, ...).
    label : str, optional
        How the file is named in messages (default: ``path``).
    what : str
        What the file should be, for messages (``"YAML file"``).

    Raises
    ------
    InputError (or ``error``)
        Missing, not a regular file, too large, unreadable or not UTF-8 text.
    """
    path = Path(path)
    name = str(path) if label is None else label

    def fail(message: str) -> InputError:
        return error([Problem(name, "", "", message)])

    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise fail(f"file not found at {path}" if label else "file not found") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise fail(f"is {file_kind(st.st_mode)}, expected a {what}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)  # the file opened, not the one stat-ed before
        if not stat.S_ISREG(st.st_mode):
            raise fail(f"is {file_kind(st.st_mode)}, expected a {what}")
        if st.st_size > MAX_FILE_BYTES:
            raise fail(f"is {st.st_size:,} bytes; at most {MAX_FILE_BYTES:,} are read")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise fail(f"is over {MAX_FILE_BYTES:,} bytes; at most {MAX_FILE_BYTES:,} are read")
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def yaml_problem(exc: Exception, file: str) -> Problem:
    """The :class:`Problem` of an error raised by :func:`loads_yaml` (with its line)."""
    if isinstance(exc, DuplicateKeyError):
        return Problem(file, f"line {exc.line}" if exc.line else "", "",
                       f"duplicate key {exc.key!r}; keys must be unique")
    if isinstance(exc, InputLimitError):
        return Problem(file, f"line {exc.line}" if exc.line else "", "", str(exc))
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return Problem(file, where, "", f"malformed YAML: {problem}")


def json_problem(exc: Exception, file: str) -> Problem:
    """The :class:`Problem` of an error raised by :func:`loads_json`."""
    if isinstance(exc, json.JSONDecodeError):
        return Problem(file, f"line {exc.lineno}", "",
                       f"malformed JSON: {exc.msg} (column {exc.colno})")
    if isinstance(exc, DuplicateKeyError):
        return Problem(file, "", "", f"malformed JSON: {exc}; keys must be unique")
    return Problem(file, "", "", str(exc))


YAML_ERRORS = (yaml.YAMLError, DuplicateKeyError, InputLimitError)
"""What :func:`loads_yaml` raises on bad text."""
JSON_ERRORS = (json.JSONDecodeError, DuplicateKeyError, InputLimitError)
"""What :func:`loads_json` raises on bad text."""


def load_yaml_file(path: str | Path, error: type[InputError] = InputError,
                   label: str | None = None) -> Any:
    """Read and parse a YAML file (see :func:`read_text_file` and :func:`loads_yaml`).

    Raises
    ------
    InputError (or the subclass ``error``)
        Not a readable regular file, malformed YAML, a duplicate key or over an input
        limit, naming the file and line.
    """
    name = str(path) if label is None else label
    text = read_text_file(path, error, label, "YAML file")
    try:
        return loads_yaml(text)
    except YAML_ERRORS as exc:
        raise error([yaml_problem(exc, name)]) from None


def load_json_file(path: str | Path, error: type[InputError] = InputError,
                   label: str | None = None) -> Any:
    """Read and parse a JSON file (see :func:`read_text_file` and :func:`loads_json`).

    Raises
    ------
    InputError (or the subclass ``error``)
        Not a readable regular file, malformed JSON, a duplicate key or over an input
        limit, naming the file (and line).
    """
    name = str(path) if label is None else label
    text = read_text_file(path, error, label, "JSON file")
    try:
        return loads_json(text)
    except JSON_ERRORS as exc:
        raise error([json_problem(exc, name)]) from None
