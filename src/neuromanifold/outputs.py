"""Writing user-named output files safely: all or nothing, and errors that name the argument.

:func:`output_file` checks the path before any work is written (the folder exists and is a folder,
the path is not a folder), writes to a temporary file beside the target and renames it into place
only when writing succeeded, so a full disk, a read-only folder or an interruption never leaves a
partial file behind.  A target that is a device (``/dev/null``, ``/dev/full``) is written directly.
Every failure is a ValueError naming the argument.

This module imports nothing from the package, so every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["check_output_path", "output_file"]


def check_output_path(path, name: str) -> Path:
    """``path`` as a Path whose folder exists and which is not itself a folder; ValueError otherwise."""
    if not isinstance(path, (str, os.PathLike)) or str(path) == "":
        raise TypeError(f"Argument '{name}' must be a file path, not {type(path).__name__} {path!r}.")
    p = Path(path)
    parent = p.parent
    if not parent.exists():
        raise ValueError(f"Argument '{name}': the folder {str(parent)!r} does not exist.")
    if not parent.is_dir():
        raise ValueError(f"Argument '{name}': {str(parent)!r} is a file, not a folder.")
    if p.is_dir():
        raise ValueError(f"Argument '{name}': {str(p)!r} is a folder, not a file.")
    if not os.access(parent, os.W_OK) and not (p.exists() and not p.is_file()):
        raise ValueError(f"Argument '{name}': the folder {str(parent)!r} is not writable.")
    return p


@contextlib.contextmanager
def output_file(path, name: str, suffix: str = ""):
    """Yield a path to write to; on success it becomes ``path`` (atomically), on failure nothing is left.

    ``suffix`` keeps a file ending on the temporary file (matplotlib and pyarrow choose formats by it).
    OSErrors while writing (full disk, permissions) become a ValueError naming ``name``.
    """
    p = check_output_path(path, name)
    if p.exists() and not stat.S_ISREG(p.stat().st_mode):  # a device: write in place
        try:
            yield p
        except OSError as exc:
            raise ValueError(f"Argument '{name}': cannot write {str(p)!r} ({exc.strerror or exc}).") from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=suffix or p.suffix, dir=p.parent)
    except OSError as exc:
        raise ValueError(f"Argument '{name}': cannot write in {str(p.parent)!r} ({exc.strerror or exc}).") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, p)
    except OSError as exc:
        raise ValueError(f"Argument '{name}': cannot write {str(p)!r} ({exc.strerror or exc}).") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
