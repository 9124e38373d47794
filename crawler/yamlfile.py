"""YAML files read with line numbers, and pydantic errors turned into ConfigErrors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml

from crawler.errors import ConfigError, ConfigErrors

M = TypeVar("M", bound=pydantic.BaseModel)


class YamlDocument:
    """A parsed YAML mapping plus the node tree, to find the line of any key."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self._root = root

    @classmethod
    def read(cls, path: Path) -> YamlDocument:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(str(path), "file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"cannot be read: {exc}") from None
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError(str(path), f"not valid YAML: {problem}", line=line) from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(str(path), "must be a YAML mapping (key: value)", line=1)
        duplicates = list(_duplicate_keys(root, ()))
        if duplicates:
            raise ConfigErrors([
                ConfigError(str(path), f"key given twice (first on line {first}); YAML "
                            "would keep the last silently", key=".".join(loc), line=line)
                for loc, first, line in duplicates])
        return cls(path, data, root)

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """Line (1-based) of the deepest node on ``loc`` that exists."""
        node = self._root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        line = key_node.start_mark.line + 1
                        node = value_node
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return line
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def validate(self, model: type[M], context: dict[str, Any] | None = None) -> M:
        try:
            return model.model_validate(self.data, context=context)
        except pydantic.ValidationError as exc:
            raise ConfigErrors([self._error(e) for e in exc.errors()]) from None

    def _error(self, err: Any) -> ConfigError:
        # pydantic puts union members and validator names into loc; keep real keys only
        loc = [p for p in err["loc"] if isinstance(p, int) or not _is_internal(p)]
        key = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            message = "unknown key (a typo? see the documented keys)"
        else:
            message = err["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
        return ConfigError(str(self.path), message, key=key, line=self.line_of(loc))


def _is_internal(part: str) -> bool:
    return part.startswith(("function-", "tagged-union", "union[")) or "[" in part


def _duplicate_keys(node: yaml.Node | None,
                    loc: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], int, int]]:
    """Keys given twice in one mapping, at any depth: (key path, first line, line)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen and key != "<<":  # "<<" merges a mapping; it may repeat
                yield (*loc, key), seen[key], line
            seen.setdefault(key, line)
            yield from _duplicate_keys(value_node, (*loc, key))
    elif isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*loc, str(n)))
