"""Query parameters of the demo market's pages, checked as strictly as a real site's."""

from __future__ import annotations

from starlette.requests import Request


class BadParam(ValueError):
    pass


def int_param(request: Request, name: str, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < minimum:
        raise BadParam(f"{name} must be an integer >= {minimum}")
    return int(raw)
