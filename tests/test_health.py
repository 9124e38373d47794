from __future__ import annotations

from crawler.health import assess
from crawler.records import SiteRun


def run(items: int, locality: int | None = None, health: str = "ok") -> SiteRun:
    filled = {"locality": items if locality is None else locality, "text": items}
    return SiteRun("a", "ad_board", health, pages=items, items=items, filled=filled)


def test_steady_site_stays_ok() -> None:
    history = [run(200), run(210), run(190)]
    assert assess(run(180), history).health == "ok"


def test_items_collapsing_is_unhealthy() -> None:
    checked = assess(run(0), [run(200), run(210), run(190)])
    assert checked.health == "unhealthy"
    assert checked.errors["unhealthy_items_fell"] == 1


def test_a_field_that_stops_matching_is_unhealthy() -> None:
    checked = assess(run(200, locality=5), [run(200), run(210), run(190)])
    assert checked.health == "unhealthy"
    assert set(checked.errors) == {"unhealthy_fill_rate_locality"}


def test_no_history_or_small_sites_are_not_judged() -> None:
    assert assess(run(0), []).health == "ok"
    assert assess(run(0), [run(5), run(6)]).health == "ok"


def test_only_healthy_history_counts_and_failed_sites_stay_failed() -> None:
    assert assess(run(0, health="failed"), [run(200)]).health == "failed"
    # an unhealthy past does not become the new normal
    assert assess(run(0), [run(200), run(0, health="unhealthy")]).health == "unhealthy"
