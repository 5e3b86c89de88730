"""Output paths: check before writing, never replace or delete what landbridge did not write.

Every command that writes (``simulate``, ``sweep``, ``runs export``, ``report``) checks
its output path *before* it computes anything, so a path that cannot be used fails at
once with a clear message instead of after a long simulation with the results lost:

* :func:`check_output_dir` — a new or empty directory whose parent can be written, with
  no path component longer than the file system allows (temporary sibling names
  included);
* :func:`check_output_file` — a file that is absent or a regular file: a symbolic link,
  FIFO, device or socket is refused, never replaced.

Files written into a directory are listed, with their SHA-256, in
:data:`FILES_LIST` (:func:`write_files_list`, :func:`note_written`);
:func:`remove_written` deletes exactly those files, unchanged, and leaves anything
else (and the directory, if it is then not empty) in place.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path

from landbridge.errors import Problem, UsageError

__all__ = ["check_output_dir", "check_output_file", "check_name_lengths", "FILES_LIST",
           "write_files_list", "note_written", "remove_written", "TEMP_SUFFIX_CHARS"]

FILES_LIST = ".landbridge-files.json"
"""The list of files landbridge wrote into a directory, with their SHA-256."""
TEMP_SUFFIX_CHARS = 24
"""Characters a temporary sibling adds to a name (``.NAME.tmp-XXXXXXXX``, ``.NAME.XXXX.tmp``)."""


def _fail(path: Path | str, label: str, message: str) -> UsageError:
    return UsageError([Problem(str(path), label, "", message)])


def _name_max(path: Path) -> int:
    probe = path
    while True:
        try:
            return os.pathconf(probe, "PC_NAME_MAX")
        except (OSError, ValueError):
            if probe.parent == probe:
                return 255
            probe = probe.parent


def check_name_lengths(path: str | Path, label: str = "--out", extra: int = TEMP_SUFFIX_CHARS
                       ) -> None:
    """Refuse a path with a component longer than the file system's limit (less
    ``extra`` characters for the temporary sibling written first) or over 4,096 bytes.

    Raises
    ------
    UsageError
        Naming ``label``, the component and the limit.
    """
    path = Path(path)
    limit = _name_max(path.parent if str(path.parent) else Path("."))
    for part in path.parts:
        n = len(os.fsencode(part))
        if part != "/" and n + extra > limit:
            raise _fail(path, label, f"the name {part[:40]!r}… is {n} bytes long; at most "
                                     f"{limit - extra} fit (the file system allows {limit}, "
                                     "and a temporary name is made from it)")
    if len(os.fsencode(str(path))) > 4096 - extra:
        raise _fail(path, label, "the path is longer than 4,000 bytes")


def _lstat(path: Path, label: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise _fail(path, label, "a part of the path is a file, not a directory") from None
    except OSError as exc:
        raise _fail(path, label, f"cannot be used: {exc.strerror or exc}") from None


def _kind(mode: int) -> str:
    from landbridge.textfiles import file_kind

    return file_kind(mode)


def _probe_parent(path: Path, label: str) -> None:
    parent = path.parent
    st = _lstat(parent, label) if str(parent) else None
    if st is not None and not stat.S_ISDIR(os.stat(parent).st_mode):
        raise _fail(path, label, f"{parent} is {_kind(st.st_mode)}, not a directory")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{path.name}.probe-", dir=parent)
        os.rmdir(probe)
    except OSError as exc:
        raise _fail(path, label, f"cannot write in {parent}: {exc.strerror or exc}") from None


def check_output_dir(out: str | Path, label: str = "--out") -> None:
    """Check that ``out`` can become a new directory of results: it does not exist or
    is an empty directory (not a symbolic link), its parent is (or can be made) a
    writable directory, and its name fits the file system with a temporary suffix.

    Raises
    ------
    UsageError
        Naming ``label`` and what is wrong; nothing is written.
    """
    out = Path(out)
    if str(out).strip() in ("", "."):
        raise _fail(out, label, "expected a directory name")
    check_name_lengths(out, label)
    st = _lstat(out, label)
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise _fail(out, label, "is a symbolic link; give the directory itself "
                                    "(nothing was written)")
        if not stat.S_ISDIR(st.st_mode):
            raise _fail(out, label, f"is {_kind(st.st_mode)}, expected a new or empty "
                                    "directory (nothing was written)")
        try:
            empty = not any(out.iterdir())
        except OSError as exc:
            raise _fail(out, label, f"cannot be read: {exc.strerror or exc}") from None
        if not empty:
            raise _fail(out, label, "exists and is not an empty directory; choose another "
                                    "or remove it (nothing was written)")
    _probe_parent(out, label)


#: What every HTML page landbridge writes carries near its start: an existing file is
#: replaced only when it has it (a page we wrote), never a file of the user's.
GENERATOR_MARKER = b'<meta name="generator" content="landbridge">'


def check_output_file(out: str | Path, label: str = "--out") -> None:
    """Check that the file ``out`` can be written by replacing it atomically: it is
    absent, or a page landbridge wrote (:data:`GENERATOR_MARKER` in its first 4 KiB);
    any other existing file, a symbolic link, FIFO, device or socket is refused, not
    replaced; and its directory is writable.

    Raises
    ------
    UsageError
        Naming ``label`` and what is wrong; nothing is written.
    """
    out = Path(out)
    if str(out).strip() in ("", "."):
        raise _fail(out, label, "expected a file name")
    check_name_lengths(out, label)
    st = _lstat(out, label)
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise _fail(out, label, "is a symbolic link; refusing to replace it (give the "
                                    "file it points to, or another name)")
        if not stat.S_ISREG(st.st_mode):
            raise _fail(out, label, f"is {_kind(st.st_mode)}; refusing to replace it with a "
                                    "file (give a regular file name)")
        try:
            with open(out, "rb") as fh:
                head = fh.read(4096)
        except OSError as exc:
            raise _fail(out, label, f"cannot be read: {exc.strerror or exc}") from None
        if GENERATOR_MARKER not in head:
            raise _fail(out, label, "exists and was not written by landbridge; refusing to "
                                    "replace it (remove it yourself or give another name)")
    _probe_parent(out, label)


# ------------------------------------------------------------------ files we wrote
def _sha256(path: Path) -> str | None:
    """SHA-256 of a regular file (not followed through a symbolic link), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    finally:
        os.close(fd)


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` through a temporary file in
    the same directory and ``os.replace``, so readers see the old file or the whole new
    one, never a part; the file gets the usual mode (0666 less the umask). The one
    atomic text write of the package.

    Raises
    ------
    OSError
        The directory cannot be made or written; the temporary file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_list(directory: Path, files: dict[str, str]) -> None:
    write_atomic(directory / FILES_LIST,
                 json.dumps({"written_by": "landbridge", "files": dict(sorted(files.items()))},
                            indent=1) + "\n")


def _read_list(directory: Path) -> dict[str, str] | None:
    try:
        doc = json.loads((directory / FILES_LIST).read_text(encoding="utf-8"))
        files = doc["files"]
        if isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, str)
                                           for k, v in files.items()):
            return files
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def write_files_list(directory: str | Path) -> None:
    """List every regular file now in ``directory`` (just written by landbridge, before
    the directory is published) with its SHA-256 in :data:`FILES_LIST`."""
    directory = Path(directory)
    files = {p.name: h for p in sorted(directory.iterdir())
             if p.name != FILES_LIST and (h := _sha256(p)) is not None}
    _write_list(directory, files)


def note_written(directory: str | Path, name: str) -> None:
    """Add the file ``name`` (just written by landbridge) to ``directory``'s list; a
    directory without a list (not written by landbridge) is left as it is."""
    directory = Path(directory)
    files = _read_list(directory)
    digest = _sha256(directory / name)
    if files is None or digest is None:
        return
    files[name] = digest
    _write_list(directory, files)


def remove_written(directory: str | Path) -> list[str]:
    """Delete the files landbridge wrote into ``directory`` (those in its list, still
    unchanged), then the list, then the directory if it is empty.

    Returns
    -------
    list of str
        What was kept, one reason each (empty when the directory is gone). A directory
        without a list is kept whole: nothing in it is known to be ours.
    """
    directory = Path(directory)
    st = _lstat(directory, "run directory")
    if st is None:
        return []
    if not stat.S_ISDIR(st.st_mode):
        return [f"{directory} is {_kind(st.st_mode)}, not a run directory; left alone"]
    files = _read_list(directory)
    if files is None:
        return [f"{directory} has no {FILES_LIST} (not written by this landbridge): "
                "nothing in it was deleted"]
    kept: list[str] = []
    kept_names: set[str] = set()
    for name, digest in sorted(files.items()):
        if Path(name).name != name or name in ("", ".", ".."):
            continue  # a list naming paths elsewhere is not ours
        path = directory / name
        found = _sha256(path)
        if found is None:
            if os.path.lexists(path):
                kept.append(f"{path} (no longer a regular file)")
                kept_names.add(name)
            continue
        if found != digest:
            kept.append(f"{path} (changed since landbridge wrote it)")
            kept_names.add(name)
            continue
        path.unlink()
    (directory / FILES_LIST).unlink(missing_ok=True)
    try:
        directory.rmdir()
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        extra = sorted(p.name for p in directory.iterdir() if p.name not in kept_names)
        if extra:
            kept.append(f"{len(extra)} file{'s' if len(extra) != 1 else ''} landbridge did "
                        f"not write ({', '.join(extra[:5])}{', …' if len(extra) > 5 else ''})")
        kept.append(f"the directory {directory} stays")
    return kept
