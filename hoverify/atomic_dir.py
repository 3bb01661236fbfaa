"""Replace generated files as a whole: a directory of them, or one file.

The new tree is written into a temporary directory next to the target; only when every file
is on disk is the old directory moved aside and the new one renamed into its place (two
``os.replace`` calls, with SIGINT and SIGTERM held back between them and the old tree put
back if the second fails). An error or Ctrl-C before that leaves the previous tree whole, and
nothing of ours behind.

``probe_directory`` tells before any work whether an output can be written at all.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

HELD = {signal.SIGINT, signal.SIGTERM}


def replace_directory(files: Mapping[str, bytes], out: Path) -> None:
    """``files``: relative POSIX path -> content."""
    out = Path(out)
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a report is not
        for name in sorted(files):
            write_file(staging / name, files[name])
        _swap(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _swap(staging: Path, out: Path) -> None:
    with _signals_held():
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            try:
                os.replace(out, old)  # onto an empty directory: allowed
            except BaseException:  # `out` cannot be moved (a mount point, no permission)
                old.rmdir()
                raise
        try:
            os.replace(staging, out)
        except BaseException:
            if old is not None:
                os.replace(old, out)
            raise
    if old is not None:
        shutil.rmtree(old)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Delivery of SIGINT/SIGTERM waits until the block is over (main thread only)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``: a reader
    (or a crash) sees the old file or the new one, never half of it. A symbolic link is
    followed (the file it names is replaced, not the link); a path that names something
    other than a regular file (``/dev/stdout``, a FIFO, a device) is written in place, since
    renaming over it would replace it."""
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    if not regular:
        with open(path, "wb") as stream:
            stream.write(data)
        return
    path = Path(os.path.realpath(path))
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        os.fchmod(descriptor, 0o666 & ~_umask())  # as open() would have made it, not 0600
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def probe_directory(directory: Path) -> None:
    """Raise OSError unless a file can be created in ``directory`` or, if it does not exist
    yet, in the nearest existing folder above it (where it would be created). Tried for real
    with a temporary file: access(2) says yes to root where the file system says no (/proc)."""
    place = Path(directory).absolute()
    while not place.exists():
        place = place.parent
    if not place.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(place))
    try:
        descriptor, probe = tempfile.mkstemp(dir=place, prefix=".hoverify-probe-")
    except OSError as error:  # named by the folder, not by the probe's random name
        raise OSError(error.errno, error.strerror, str(place)) from None
    os.close(descriptor)
    os.unlink(probe)
