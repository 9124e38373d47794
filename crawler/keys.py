"""Secret keys per baseline window, and the keyed fingerprints made with them.

A fingerprint is HMAC-SHA-256 over a listing's canonical content. Without the key it
cannot be tested against a guessed phone number or text, so the fingerprints in the
store reveal nothing; when a window ends its key file is deleted with its fingerprints.
Keys live outside the store, one file per window, readable by the owner only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

_WINDOW_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class KeyRing:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key(self, window_id: str, create: bool = False) -> bytes:
        path = self._path(window_id)
        try:
            return bytes.fromhex(path.read_text().strip())
        except FileNotFoundError:
            if not create:
                raise KeyError(f"no key for window {window_id} in {self.directory}") from None
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_bytes(32)
        # O_EXCL: two processes never write two different keys for one window
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex() + "\n")
        return key

    def windows(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob("*.key"))

    def delete(self, window_id: str) -> bool:
        try:
            self._path(window_id).unlink()
            return True
        except FileNotFoundError:
            return False

    def _path(self, window_id: str) -> Path:
        if not _WINDOW_ID.match(window_id):
            raise ValueError(f"not a window id: {window_id!r}")
        return self.directory / f"{window_id}.key"


def fingerprint(key: bytes, *parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
