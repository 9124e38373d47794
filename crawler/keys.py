"""Secret keys per baseline window, and the keyed fingerprints made with them.

A fingerprint is HMAC-SHA-256 over a listing's canonical content. Without the key it
cannot be tested against a guessed phone number or text, so the fingerprints in the
store reveal nothing; when a window ends its key file is deleted with its fingerprints.
Keys live outside the store, one file per window, readable by the owner only.

Beside the window keys lives one long-lived secret, the record key secret
(``record-key.secret`` or ``ADCENSUS_RECORD_KEY``): it derives the cell key method's record
keys (crawler/record_keys.py), which must stay the same across windows and years, so it
is never retired with a window.

A key may instead come from the environment, for operators whose secrets live in a
secret manager: ``ADCENSUS_KEY_<window id>`` (``-`` written as ``_``) holding 64 hex
characters. Such a key wins over a file, but no process can delete it: when its window
ends, the operator removes the variable, and ``adcensus audit`` fails until then.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

_WINDOW_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
ENV_PREFIX = "ADCENSUS_KEY_"
KEY_SUFFIX = ".key"
RECORD_SECRET_FILE = "record-key.secret"
RECORD_SECRET_ENV = "ADCENSUS_RECORD_KEY"
# the earlier noise method's secret (keyed on cell names); nothing reads it any more
LEGACY_CELL_KEY_FILE = "cell-key.secret"


def env_name(window_id: str) -> str:
    """The environment variable that may hold ``window_id``'s key."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9_]", "_", window_id)


class KeyRing:
    def __init__(self, directory: Path, env: Mapping[str, str] | None = None) -> None:
        self.directory = directory
        self._env = env  # None: the process environment, read at each use

    @property
    def env(self) -> Mapping[str, str]:
        return os.environ if self._env is None else self._env

    def key(self, window_id: str, create: bool = False) -> bytes:
        path = self._path(window_id)
        from_env = self._from_env(env_name(window_id))
        if from_env is not None:
            return from_env
        try:
            return bytes.fromhex(path.read_text().strip())
        except FileNotFoundError:
            if not create:
                raise KeyError(f"no key for window {window_id} in {self.directory} "
                               f"or {env_name(window_id)}") from None
        # O_EXCL: two processes never write two different keys for one window
        return self._create(path)

    def record_secret(self, create: bool = True) -> bytes:
        """The record key secret: ``ADCENSUS_RECORD_KEY`` (64 hex characters), else
        ``<directory>/record-key.secret``, made owner-only on first use."""
        from_env = self._from_env(RECORD_SECRET_ENV)
        if from_env is not None:
            return from_env
        path = self.directory / RECORD_SECRET_FILE
        try:
            return bytes.fromhex(path.read_text().strip())
        except FileNotFoundError:
            if not create:
                raise KeyError(f"no record key secret in {path} or {RECORD_SECRET_ENV}") from None
        try:
            return self._create(path)
        except FileExistsError:  # another process made it first
            return bytes.fromhex(path.read_text().strip())

    def windows(self) -> list[str]:
        """Windows with a key file (keys from the environment: ``env_keys``)."""
        if not self.directory.is_dir():
            return []
        return sorted(p.name[: -len(KEY_SUFFIX)] for p in self.directory.glob(f"*{KEY_SUFFIX}"))

    def env_keys(self) -> list[str]:
        """Names of the ``ADCENSUS_KEY_*`` variables set (never their values)."""
        return sorted(name for name in self.env if name.startswith(ENV_PREFIX))

    def source(self, window_id: str) -> str | None:
        """Where ``window_id``'s key is: "environment", "file" or None."""
        if self.env.get(env_name(window_id)):
            return "environment"
        return "file" if self._path(window_id).is_file() else None

    def key_file(self, window_id: str) -> Path:
        return self._path(window_id)

    def delete(self, window_id: str) -> bool:
        """Delete the window's key file. A key in the environment stays (see the module
        docstring); ``source`` still names it afterwards."""
        try:
            self._path(window_id).unlink()
            return True
        except FileNotFoundError:
            return False

    def _from_env(self, name: str) -> bytes | None:
        value = self.env.get(name)
        if not value:
            return None
        if not _HEX_KEY.match(value.strip()):
            # the value is not repeated: it is meant to be a secret
            raise ValueError(f"{name} must hold 64 hexadecimal characters (a 32-byte key)")
        return bytes.fromhex(value.strip())

    def _create(self, path: Path) -> bytes:
        """A new random key in ``path``, owner-only; FileExistsError if one is there."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex() + "\n")
        return key

    def _path(self, window_id: str) -> Path:
        if not _WINDOW_ID.match(window_id):
            raise ValueError(f"not a window id: {window_id!r}")
        return self.directory / f"{window_id}{KEY_SUFFIX}"


def fingerprint(key: bytes, *parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
