"""Site definitions that extend a base: sites on one platform share one definition.

A definition says ``extends: <name>`` (the base ``bases/<name>.yaml`` in its sites
directory) or ``extends: <relative path>.yaml`` (from the file that says it), and gives
only the keys where it differs. Bases may extend bases. The merge is deep for mappings
(``list_page``, ``fields``, ``gate``...) with the extending file winning; a list or a
scalar is replaced whole, and ``null`` removes a key the base gave. Bases live in a
subdirectory, so ``load_sites`` never crawls one on its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crawler.errors import ConfigError
from crawler.yamlfile import YamlDocument

BASES_DIR = "bases"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ExtendedDocument(YamlDocument):
    """A definition merged over its bases; an error in the merged result names the
    extending file, and the base whose value it was when that file does not give it."""

    def __init__(self, child: YamlDocument, bases: list[YamlDocument], data: Any) -> None:
        super().__init__(child.path, data, None)
        self.child = child
        self.bases = bases  # nearest first

    def line_of(self, loc: Any) -> int | None:
        return self.child.line_of(loc)

    def _error(self, err: Any) -> ConfigError:
        error = super()._error(err)
        loc = error.key.split(".") if error.key else []
        if not loc or _has(self.child.data, loc):
            return error
        for base in self.bases:
            if _has(base.data, loc):
                return ConfigError(error.path, f"{error.message} (the value comes from base "
                                   f"{base.path}, line {base.line_of(loc)})", key=error.key,
                                   line=self.child.line_of(["extends"]))
        return ConfigError(error.path, f"{error.message} (after merging with base(s) "
                           f"{', '.join(str(b.path) for b in self.bases)})", key=error.key,
                           line=error.line)


def read_definition(path: Path) -> YamlDocument:
    """The definition in ``path``, merged over the bases it extends."""
    child = YamlDocument.read(path)
    if "extends" not in child.data:
        return child
    bases: list[YamlDocument] = []
    seen = [path.resolve()]
    document = child
    while "extends" in document.data:
        base_path = _base_path(document, path.parent)
        if base_path.resolve() in seen:
            cycle = " -> ".join(p.name for p in [*seen, base_path.resolve()])
            raise ConfigError(str(path), f"bases extend each other in a cycle: {cycle}",
                              key="extends", line=child.line_of(["extends"]))
        seen.append(base_path.resolve())
        document = YamlDocument.read(base_path)
        bases.append(document)
    data: dict[str, Any] = {}
    for document in reversed([child, *bases]):
        data = merge(data, {k: v for k, v in document.data.items() if k != "extends"})
    data["extends"] = child.data["extends"]
    return ExtendedDocument(child, bases, data)


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: mappings merged key by key, anything else replaced,
    ``None`` removing the key."""
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _base_path(document: YamlDocument, sites_dir: Path) -> Path:
    extends = document.data["extends"]
    line = document.line_of(["extends"])
    if isinstance(extends, str) and _NAME.match(extends):
        path = sites_dir / BASES_DIR / f"{extends}.yaml"
    elif isinstance(extends, str) and re.search(r"\.ya?ml$", extends):
        path = document.path.parent / extends
    else:
        raise ConfigError(str(document.path), "give a base's name (bases/<name>.yaml in the "
                          "sites directory) or a relative path ending in .yaml",
                          key="extends", line=line)
    if not path.is_file():
        raise ConfigError(str(document.path), f"base {extends!r} not found (no file {path})",
                          key="extends", line=line)
    return path


def _has(data: Any, loc: list[str]) -> bool:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return False
    return True
