"""Candidates as `discover` lists them, from a real SQLite store: published numbers only,
ranked by sites then advertisers, states computed or set by a person."""

from __future__ import annotations

from pathlib import Path

from crawler.discovery.candidates import candidates, render, rising
from crawler.discovery.states import CandidateState, States
from crawler.protection import Protection
from crawler.records import Indicator, RunRecord
from crawler.store import open_store

TIMES = ["2026-01-05T03:00:00+00:00", "2026-01-12T03:00:00+00:00"]


def cell(snapshot: str, at: str, scope: str, level: str, domain: str, value: int,
         key: int) -> Indicator:
    return Indicator(snapshot, at, scope, level, "count", "linked_domain", domain, value,
                     cell_key=key)


def write(path: Path, weeks: list[list[Indicator]]) -> None:
    with open_store(f"sqlite:///{path}") as store:
        for n, cells in enumerate(weeks):
            sid = f"s{n + 1}"
            store.begin_run(RunRecord(sid, TIMES[n], "running", "h", "0.1", "w1"))
            store.complete_run(RunRecord(sid, TIMES[n], "complete", "h", "0.1", "w1",
                                         finished_at=TIMES[n]),
                               cells, [])


def test_ranked_published_and_stated(tmp_path: Path) -> None:
    a, b = TIMES
    week1 = [cell("s1", a, "all", "advertisers", "chat.test", 20, 7),
             cell("s1", a, "x", "unique", "chat.test", 25, 9),
             cell("s1", a, "all", "advertisers", "booking.test", 12, 100),
             cell("s1", a, "x", "unique", "booking.test", 15, 3)]
    week2 = [cell("s2", b, "all", "advertisers", "chat.test", 21, 8),
             cell("s2", b, "x", "unique", "chat.test", 26, 10),
             cell("s2", b, "all", "advertisers", "booking.test", 30, 200),
             cell("s2", b, "x", "unique", "booking.test", 20, 4),
             cell("s2", b, "y", "unique", "booking.test", 18, 5),
             cell("s2", b, "all", "advertisers", "fresh.test", 11, 300),
             cell("s2", b, "x", "unique", "fresh.test", 11, 6),
             cell("s2", b, "all", "advertisers", "(other domains)", 40, 50)]
    write(tmp_path / "store.sqlite", [week1, week2])
    protection = Protection()
    with States(tmp_path / "d.sqlite") as states, \
            open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        states.set_state("chat.test", CandidateState.DISMISSED, b)
        states.add_by_hand("app.test", "reported by a support service", b)
        found = candidates(store, protection, states.all())
        week2_cells = {(i.scope, i.level, i.category): i
                       for i in store.indicators(snapshot_id="s2")}
    by = {c.domain: c for c in found.candidates}
    # booking: two sites now (one before): rising; chat: dismissed by a person; fresh: new
    assert [c.domain for c in found.candidates] == [
        "booking.test", "chat.test", "fresh.test", "app.test"]
    assert by["booking.test"].state == CandidateState.RISING
    assert by["booking.test"].sites == ("x", "y")
    assert by["chat.test"].state == CandidateState.DISMISSED
    assert by["fresh.test"].state == CandidateState.NEW
    assert by["fresh.test"].advertisers[0] is None
    assert by["app.test"].by_hand and by["app.test"].advertisers == [None, None]
    # every number shown is the protection's, never the stored count
    assert by["booking.test"].advertisers[-1] == protection.published(
        week2_cells["all", "advertisers", "booking.test"])
    assert found.other == protection.published(week2_cells["all", "advertisers",
                                                           "(other domains)"])
    text = render(found)
    assert "chat.test" not in text and "1 dismissed domain(s) not shown" in text
    assert "by hand: reported by a support service" in text
    assert "chat.test" in render(found, show_all=True)


def test_rising() -> None:
    assert rising([3, 5, 8], [1, 1, 1])
    assert not rising([3, 5, 5], [1, 1, 1])
    assert rising([5, 5], [1, 2])
    assert not rising([None, 5], [0, 2])  # first seen now: new, not rising
    assert not rising([5, None], [1, 0])  # not linked now
