"""File identity, the on-disk cache folder and atomic writes.

A file is identified by (real path, size, modification time): a regenerated or replaced file gets a
new identity, so nothing cached for the old content is ever served for the new one.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop.media.errors import MediaError

CACHE_ENV = "FRAMESMITH_CACHE_DIR"


@dataclass(frozen=True)
class FileId:
    path: str
    size: int
    mtime_ns: int

    def key(self, *parts: object) -> str:
        """A file-name-safe digest of this identity plus any extra parameters."""
        text = "\0".join(map(str, (self.path, self.size, self.mtime_ns, *parts)))
        return hashlib.sha1(text.encode()).hexdigest()


def file_id(path: str | os.PathLike) -> FileId:
    """The identity of the file at `path`; MediaError when it is missing or not a file."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        raise MediaError(f"{path}: no such file") from None
    if not os.path.isfile(real):
        raise MediaError(f"{path}: not a file")
    return FileId(real, st.st_size, st.st_mtime_ns)


def cache_dir(kind: str, override: str | os.PathLike | None = None) -> Path:
    """The folder for one kind of cached data (e.g. "thumbnails").

    Order: the `override` argument, then $FRAMESMITH_CACHE_DIR, then platformdirs' user cache dir.
    """
    if override is not None:
        root = Path(override)
    elif os.environ.get(CACHE_ENV):
        root = Path(os.environ[CACHE_ENV])
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("framesmith"))
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def temp_path_beside(path: str | os.PathLike, suffix: str = ".part") -> str:
    """A new, unused hidden file name in `path`'s folder (same disk, so a rename is atomic)."""
    folder, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=folder)
    os.close(fd)
    return tmp


def open_container(path: str | os.PathLike):
    """Open a media file for reading with PyAV; every failure becomes a one-line MediaError."""
    import av

    file_id(path)  # missing / not a file -> MediaError naming the path
    try:
        return av.open(os.fspath(path), metadata_errors="ignore")
    except av.FFmpegError as e:
        raise MediaError(f"{path}: not a readable media file ({e.strerror or e})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise MediaError(f"{path}: cannot be opened ({e})") from None


def write_atomic(path: str | os.PathLike, write) -> None:
    """Call `write(file)` on a temp file beside `path`, then rename it over `path`.

    Readers never see a half-written file, and a failure leaves no temp file behind.
    """
    tmp = temp_path_beside(path, ".tmp")
    try:
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
