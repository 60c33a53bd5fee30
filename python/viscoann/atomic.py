"""Files written whole or not at all: each is written under a temporary name in its directory,
then renamed over the target, so a reader (or a resumed run) never sees half a file."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Replace ``path`` by ``data`` atomically; returns the path."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Replace ``path`` by ``text`` (UTF-8) atomically; returns the path."""
    return write_bytes(path, text.encode())
