from __future__ import annotations

import stat
from pathlib import Path

import pytest

from crawler.keys import KeyRing, fingerprint


def test_key_created_once_owner_only(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    key = ring.key("w1", create=True)
    assert len(key) == 32
    assert ring.key("w1") == key
    mode = stat.S_IMODE((tmp_path / "keys" / "w1.key").stat().st_mode)
    assert mode == 0o600
    assert ring.windows() == ["w1"]


def test_missing_key_is_an_error_unless_created(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="no key for window w2"):
        KeyRing(tmp_path).key("w2")


def test_delete(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path)
    ring.key("w1", create=True)
    assert ring.delete("w1") and not ring.delete("w1")
    assert ring.windows() == []


def test_window_ids_cannot_escape_the_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        KeyRing(tmp_path).key("../etc/passwd", create=True)


def test_fingerprint_is_keyed_hmac() -> None:
    a = fingerprint(b"k1", "listing", "site", "text")
    assert len(a) == 64 and a == fingerprint(b"k1", "listing", "site", "text")
    assert a != fingerprint(b"k2", "listing", "site", "text")
    # parts are separated: moving a boundary changes the digest
    assert fingerprint(b"k", "ab", "c") != fingerprint(b"k", "a", "bc")
