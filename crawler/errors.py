"""Errors a person can act on: each names the file, the line and the key."""

from __future__ import annotations


class AdcensusError(Exception):
    """Base for errors the CLI reports without a traceback."""


class ConfigError(AdcensusError):
    def __init__(self, path: str, message: str, key: str = "", line: int | None = None) -> None:
        self.path = path
        self.key = key
        self.line = line
        self.message = message
        where = path if line is None else f"{path}:{line}"
        what = f" key '{key}':" if key else ""
        super().__init__(f"{where}:{what} {message}")


class ConfigErrors(AdcensusError):
    """Several problems found in one pass, so a person can fix them all at once."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
