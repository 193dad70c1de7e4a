"""Writing a file so that a reader sees the old file (or none) or the whole new one, never a part."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename or a new file in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_atomically(path: Path, data: bytes, midway: Callable[[], None] | None = None) -> Path:
    """Write ``data`` to ``path`` through a hidden ``.<name>.partial-<pid>`` file in the same folder
    (names starting with ``.`` are ignored by the loader and the docs server), fsynced, renamed
    over ``path`` and the folder fsynced. ``midway`` is called halfway through the write (a fault
    point: tests kill the writer there and find only the hidden file)."""
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        half = len(data) // 2
        _write_all(fd, data[:half])
        if midway:
            midway()
        _write_all(fd, data[half:])
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return path
