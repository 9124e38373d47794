"""Small-cell protection: threshold suppression with secondary suppression, checked by
working the hidden cells out as an attacker would; the cell key method's noise is the
same for the same cell and independent between cells; the store stays exact."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from pathlib import Path

import pytest

from crawler.aggregate import Unit, aggregate
from crawler.disclosure import (
    CELL_KEY, CELL_KEY_FILE, P_TABLE, SECONDARY, Protection, Table, _show_again, _Status, cell_key,
    cell_key_secret, cell_noise, indicator_table, protect, same_counts, suppress,
)
from crawler.normalise import Profile
from crawler.records import LEVELS, Indicator, RunRecord, SiteRun
from crawler.report.console import summary
from crawler.store import open_store
from tests.reader_support import as_read, ranges, sums

KEY = bytes(range(32))


def grid(values: dict[tuple[str, str], int]) -> Table:
    """A two-way table with row totals, column totals and a grand total ("T")."""
    rows = sorted({r for r, _ in values})
    cols = sorted({c for _, c in values})
    table = Table(values)
    for r in rows:
        table.cells[r, "T"] = sum(values[r, c] for c in cols)
    for c in cols:
        table.cells["T", c] = sum(values[r, c] for r in rows)
    table.cells["T", "T"] = sum(values.values())
    for r in [*rows, "T"]:
        assert table.add_line((r, "T"), [(r, c) for c in cols])
    for c in [*cols, "T"]:
        assert table.add_line(("T", c), [(r, c) for r in rows])
    return table


def attacker_bounds(table: Table, shown: dict, threshold: int) -> dict:
    """What a reader can work out: least and greatest value of every hidden cell, given
    the published cells, every total, and what the markers say."""
    limits = {k: (1, threshold - 1) if s.status == "primary" else (threshold, None)
              for k, s in shown.items() if s.value is None}
    return ranges(sums(table), published(shown), limits)


def published(shown: dict) -> dict:
    return {k: s.value for k, s in shown.items() if s.value is not None}


def test_small_counts_are_shown_as_under_the_threshold() -> None:
    shown = suppress(Table({"a": 0, "b": 1, "c": 4, "d": 5, "e": 120}))
    assert {k: s.text for k, s in shown.items()} == {"a": "0", "b": "<5", "c": "<5", "d": "5",
                                                      "e": "120"}
    assert shown["b"].value is None and shown["e"].value == 120
    assert suppress(Table({"x": 6}), threshold=10)["x"].text == "<10"


def test_a_small_cell_is_not_left_derivable_from_its_total() -> None:
    # 1 + 30 = 31: hiding only the 1 would leave 31 - 30 on the page
    table = Table({"Lund": 1, "Malmö": 30, "Skåne": 31})
    assert table.add_line("Skåne", ["Lund", "Malmö"])
    shown = suppress(table)
    assert shown["Lund"].text == "<5"
    assert shown["Malmö"].text == SECONDARY or shown["Skåne"].text == SECONDARY
    low, high = attacker_bounds(table, shown, 5)["Lund"]
    assert high - low >= 1


def test_the_marker_itself_is_taken_into_account() -> None:
    # 1 + 5 = 6: with 5 hidden as "..", a reader knows it is 5 or more, so the small cell
    # is at most 6 - 5 = 1: exactly 1. The total has to go too.
    table = Table({"x": 1, "y": 5, "T": 6})
    table.add_line("T", ["x", "y"])
    shown = suppress(table)
    assert [shown[k].text for k in ("x", "y", "T")] == ["<5", SECONDARY, SECONDARY]


def test_secondary_suppression_on_a_table_with_totals() -> None:
    values = {("Stockholm", "ad_board"): 40, ("Stockholm", "profile"): 3,
              ("Göteborg", "ad_board"): 12, ("Göteborg", "profile"): 9,
              ("Malmö", "ad_board"): 2, ("Malmö", "profile"): 14}
    table = grid(values)
    shown = suppress(table)
    text = {k: s.text for k, s in shown.items()}
    assert text["Stockholm", "profile"] == "<5" and text["Malmö", "ad_board"] == "<5"
    secondary = [k for k, s in shown.items() if s.status == "secondary"]
    assert secondary, "each small cell shares a row and a column with a total"
    # every hidden small count can take more than one value, whatever a reader does
    bounds = attacker_bounds(table, shown, 5)
    for k, s in shown.items():
        if s.status == "primary":
            low, high = bounds[k]
            assert high - low >= 1 - 1e-6, (k, low, high)
            assert low - 1e-6 <= values.get(k, table.cells[k]) <= high + 1e-6
    # the grand total stays: secondary cells are parts before totals
    assert text["T", "T"] == str(sum(values.values()))
    # rows and columns that had nothing small lose nothing needlessly
    assert sum(s.status == "exact" for s in shown.values()) >= len(shown) - 6


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_small_count_can_be_worked_out_in_random_tables(seed: int) -> None:
    rng = random.Random(seed)
    rows, cols = rng.randint(2, 5), rng.randint(2, 4)
    values = {(f"r{r}", f"c{c}"): rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40])
              for r in range(rows) for c in range(cols)}
    table = grid(values)
    shown = suppress(table)
    bounds = attacker_bounds(table, shown, 5)
    for k, s in shown.items():
        if s.status == "primary":
            low, high = bounds[k]
            assert high - low >= 1 - 1e-6, (seed, k, low, high)
        if s.value is not None:
            assert s.value == table.cells[k]


def test_parts_that_do_not_add_up_are_no_equation() -> None:
    # languages: one listing may state several, so they sum past the total
    table = Table({"sv": 3, "en": 40, "total": 41})
    assert not table.add_line("total", ["sv", "en"])
    shown = suppress(table)
    assert [shown[k].text for k in ("sv", "en", "total")] == ["<5", "40", "41"]


def test_cell_key_noise_is_the_same_for_the_same_cell_every_time() -> None:
    protection = Protection(CELL_KEY, key=KEY)
    cells = {("s1", "all", "unique", "count", "locality", name): value
             for name, value in (("Lund", 3), ("Malmö", 41), ("Visby", 0), ("Umeå", 1))}
    first = protect(Table(cells), protection)
    again = protect(Table(dict(reversed(list(cells.items())))), protection)
    assert first == again
    assert first["s1", "all", "unique", "count", "locality", "Visby"].text == "0"
    for k, v in cells.items():
        assert abs(first[k].value - v) <= 2 and first[k].value >= 0 and first[k].status == "perturbed"
    # another key, another noise: without the secret the noise cannot be recomputed
    other = [cell_noise(bytes(32), ("cell", str(n)), 10) for n in range(200)]
    mine = [cell_noise(KEY, ("cell", str(n)), 10) for n in range(200)]
    assert other != mine


def test_different_cells_get_independent_noise_with_the_tables_distribution() -> None:
    noises = [cell_noise(KEY, ("s1", "all", "unique", "count", "locality", f"ort{n}"), 50)
              for n in range(20_000)]
    counts = Counter(noises)
    for noise, p in P_TABLE[2]:
        assert abs(counts[noise] / len(noises) - p) < 0.015, (noise, counts)
    assert abs(statistics.fmean(noises)) < 0.03  # unbiased
    # neighbouring cells are not correlated
    pairs = list(zip(noises, noises[1:]))
    assert abs(statistics.correlation([a for a, _ in pairs], [b for _, b in pairs])) < 0.03
    # the same category in another snapshot is another cell
    assert cell_key(KEY, ("s1", "Lund")) != cell_key(KEY, ("s2", "Lund"))


def test_every_row_of_the_p_table_is_unbiased_and_never_negative() -> None:
    for value, row in P_TABLE.items():
        assert abs(sum(p for _, p in row) - 1) < 1e-9
        assert abs(sum(n * p for n, p in row)) < 1e-9
        assert all(value + n >= 0 for n, _ in row)


def test_the_cell_key_secret_is_kept_owner_only_or_taken_from_the_environment(
        tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    secret = cell_key_secret(keys, env={})
    assert cell_key_secret(keys, env={}) == secret
    assert (keys / CELL_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert cell_key_secret(tmp_path / "other", env={"ADCENSUS_CELL_KEY": "ab" * 32}) == bytes.fromhex("ab" * 32)
    assert not (tmp_path / "other").exists()
    with pytest.raises(ValueError, match="ADCENSUS_CELL_KEY"):
        cell_key_secret(keys, env={"ADCENSUS_CELL_KEY": "short"})


def test_protection_needs_a_sensible_threshold_and_a_key_for_noise() -> None:
    with pytest.raises(ValueError, match="3 or more"):
        Protection(threshold=2)
    with pytest.raises(ValueError, match="secret"):
        Protection(CELL_KEY)


# -- indicators of a real aggregation ---------------------------------------------------------

def snapshot_indicators(seed: int = 3) -> list:
    rng = random.Random(seed)
    localities = ["Stockholm"] * 12 + ["Göteborg"] * 4 + ["Malmö", "Lund", "Visby", "Kiruna"]
    units = []
    for n in range(160):
        site = rng.choice(["a", "b"])
        profile = Profile(site, "ad_board" if site == "a" else "profile_site",
                          rng.choice(localities), (rng.choice(["sv", "en"]),),
                          rng.choice(["woman", "man", "unknown"]), rng.choice(["18-24", "25-34"]))
        for level in LEVELS:
            for scope in (site, "all"):
                units.append(Unit(level, scope, profile))
    return aggregate("s1", "2026-11-02T06:00:00+00:00", units, ["a", "b"])


def test_indicator_tables_protect_every_small_count_and_keep_the_store_exact(
        tmp_path: Path) -> None:
    indicators = snapshot_indicators()
    table = indicator_table([i for i in indicators if i.level == "unique"])
    assert table.lines, "categories sum to totals, sites sum to all"
    shown = suppress(table)
    small = [k for k, v in table.cells.items() if 0 < v < 5]
    assert small and all(shown[k].text == "<5" for k in small)
    bounds = attacker_bounds(table, shown, 5)
    for k in small:
        low, high = bounds[k]
        assert high - low >= 1 - 1e-6, k

    # the store keeps the exact values; only what is shown is protected
    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as store:
        record = RunRecord("s1", "2026-11-02T06:00:00+00:00", "running", "h", "0.1.0",
                           window_id="w1", is_baseline=True,
                           sites=(SiteRun("a", "ad_board", "ok", 1, 80),
                                  SiteRun("b", "profile_site", "ok", 1, 80)))
        store.begin_run(record)
        store.complete_run(RunRecord(**{**record.to_plain(), "status": "complete",
                                        "sites": record.sites}), indicators, [])
        stored = {(i.scope, i.level, i.breakdown, i.category): i.value
                  for i in store.indicators() if i.measure == "count"}
        assert {(i.scope, i.level, i.breakdown, i.category): i.value
                for i in indicators if i.measure == "count"} == stored
        assert any(0 < v < 5 for v in stored.values())

        text = summary(store)
        assert "<5" in text and "Small-cell protection" in text
        noisy = summary(store, protection=Protection(CELL_KEY, key=KEY))
        assert noisy == summary(store, protection=Protection(CELL_KEY, key=KEY))
        assert "<5" not in noisy and "cell key" in noisy


def test_the_summary_hides_a_small_site_and_what_would_reveal_it(tmp_path: Path) -> None:
    from crawler.records import Indicator

    def ind(scope: str, level: str, value: int, measure: str = "count",
            breakdown: str = "total", category: str = "total") -> Indicator:
        return Indicator("s1", "2026-11-02T06:00:00+00:00", scope, level, measure, breakdown,
                         category, value)

    rows = []
    for level, (a, b) in {"hits": (90, 3), "unique": (60, 2), "distinct": (55, 2),
                          "advertisers": (40, 2)}.items():
        rows += [ind("a", level, a), ind("b", level, b), ind("all", level, a + b)]
    rows += [ind("all", "unique", 58, breakdown="locality", category="Stockholm"),
             ind("all", "unique", 4, breakdown="locality", category="Kiruna")]
    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as store:
        record = RunRecord("s1", "2026-11-02T06:00:00+00:00", "running", "h", "0.1.0",
                           window_id="w1", is_baseline=True)
        store.begin_run(record)
        store.complete_run(RunRecord("s1", "2026-11-02T06:00:00+00:00", "complete", "h",
                                     "0.1.0", window_id="w1", is_baseline=True), rows, [])
        text = summary(store)
    site_b = next(line for line in text.splitlines() if line.startswith("b "))
    assert site_b.split()[1:5] == ["<5"] * 4
    site_a = next(line for line in text.splitlines() if line.startswith("a "))
    every = next(line for line in text.splitlines() if line.startswith("all "))
    # for each column, a's count or the total is hidden: 93 - 90 would give b away
    for column in range(4):
        assert SECONDARY in (site_a.split()[1 + column], every.split()[1 + column])
    # Kiruna is small; all localities are listed, so Stockholm (or the total) is hidden too
    assert "Kiruna" in text and " 4 " not in text.split("Top localities")[1]


def test_the_summary_picks_its_top_localities_by_what_it_shows() -> None:
    from crawler.disclosure import Shown
    from crawler.report.console import _localities
    from crawler.store.base import indicator_key

    counts = {"Arvika": 50, "Boden": 30, "Eksjö": 20, "Falun": 3}
    localities = [Indicator("s1", "2026-11-02T06:00:00+00:00", "all", "unique", "count",
                            "locality", place, n) for place, n in counts.items()]
    shown = {indicator_key(i): Shown(i.value, str(i.value), "exact") for i in localities}
    shown[indicator_key(localities[1])] = Shown(None, SECONDARY, "secondary")
    shown[indicator_key(localities[3])] = Shown(None, "<5", "primary")
    rows = _localities(localities, 2, shown)[1:]
    # Boden's 30 is hidden: in a top two by exact counts, above Eksjö's 20 (shown
    # elsewhere), it would be known to be 20 or more
    assert [row.split()[0] for row in rows] == ["Arvika", "Eksjö"]
    assert [row.split()[0] for row in _localities(localities, 4, shown)[1:]] == [
        "Arvika", "Eksjö", "Boden", "Falun"]


def integer_solutions(table: Table, known: dict, hidden: list, candidates: dict):
    """Every integer filling of the hidden cells that satisfies every line: a backtracking
    search that, like a reader with a pencil, works out a cell as soon as a line leaves it
    the only unknown, and tries each candidate value otherwise."""
    def propagate(guess: dict) -> dict | None:
        guess = dict(guess)
        changed = True
        while changed:
            changed = False
            for line in table.lines:
                missing = [k for k in line.cells if k not in guess]
                if len(missing) > 1:
                    continue
                if not missing:
                    if guess[line.total] != sum(guess[p] for p in line.parts):
                        return None
                    continue
                (k,) = missing
                parts = sum(guess[p] for p in line.parts if p != k)
                value = parts if k == line.total else guess[line.total] - parts
                if value not in candidates[k]:
                    return None
                guess[k] = value
                changed = True
        return guess

    def search(guess: dict):
        guess = propagate(guess)
        if guess is None:
            return
        free = [k for k in hidden if k not in guess]
        if not free:
            yield {k: guess[k] for k in hidden}
            return
        for value in candidates[free[0]]:
            yield from search({**guess, free[0]: value})

    yield from search(dict(known))


def test_an_attacker_with_every_combination_cannot_pin_a_small_cell() -> None:
    # exhaustive on a small table: every hidden small cell has at least two integer
    # solutions consistent with everything shown
    values = {("a", "x"): 2, ("a", "y"): 7, ("b", "x"): 9, ("b", "y"): 11}
    table = grid(values)
    shown = suppress(table)
    hidden = [k for k, s in shown.items() if s.value is None]
    candidates = {k: range(1, 5) if shown[k].status == "primary" else range(5, 40)
                  for k in hidden}
    known = {k: s.value for k, s in shown.items() if s.value is not None}
    solutions = list(integer_solutions(table, known, hidden, candidates))
    assert {tuple(values.get(k, table.cells[k]) for k in hidden)} <= \
        {tuple(s[k] for k in hidden) for s in solutions}, "the true table is a solution"
    for k in hidden:
        if shown[k].status == "primary":
            assert len({s[k] for s in solutions}) >= 2, k


def test_a_county_scope_and_the_national_table_agree_on_the_same_listings() -> None:
    # the same listings, counted as a county's total and as the county row of "all":
    # hiding one and showing the other would give it away; two noisy copies would average
    c = ("s1", "county:SE-O", "unique", "count", "total", "total")
    a = ("s1", "all", "unique", "count", "county", "SE-O")
    lund_c = ("s1", "county:SE-M", "unique", "count", "locality", "Lund")
    lund_a = ("s1", "all", "unique", "count", "locality", "Lund")
    indicators = [Indicator(k[0], "2026-11-02T12:00:00+00:00", k[1], k[2], k[3], k[4], k[5], v)
                  for k, v in ((c, 3), (a, 3), (lund_c, 40), (lund_a, 40))]
    table = indicator_table(indicators)
    assert {(line.total, line.parts) for line in table.lines} >= {(a, (c,)), (lund_a, (lund_c,))}
    shown = protect(table, Protection())
    assert shown[c].text == shown[a].text == "<5"
    noisy = protect(table, Protection(CELL_KEY, key=b"k" * 32))
    assert noisy[c] == noisy[a] and noisy[lund_c] == noisy[lund_a]


def test_a_count_pinned_by_the_markers_alone_is_masked_not_an_error() -> None:
    # 4 + 4 under a total that another line gives as at least 8: with every cell beside
    # them hidden, "<5" (at most 4) would still pin both; they are shown as ".." instead
    table = Table({"T": 8, "a": 4, "b": 4, "x": 5, "y": 1, "z": 1, "w": 1})
    table.add_line("T", ["a", "b"])
    table.add_line("T", ["x", "y", "z", "w"])
    shown = suppress(table)
    hidden = {k for k, s in shown.items() if s.value is None}
    assert {"a", "b", "y", "z", "w"} <= hidden
    assert any(shown[k].text == SECONDARY for k in ("a", "b", "y", "z", "w"))
    # whatever is shown, no small count is pinned (the LP check of the whole table)
    assert_no_small_count_pinned(table, shown)


def test_one_partner_can_free_several_small_cells() -> None:
    # six ones and a large "unknown" under a total: hiding "unknown" frees all six
    table = Table({"T": 72, **{c: 1 for c in "abcdef"}, "u": 66, "w": 72})
    table.add_line("T", [*"abcdef", "u"])
    table.add_line("T", ["w"])
    shown = suppress(table)
    assert [k for k, s in shown.items() if s.status == "secondary"] == ["u"]
    assert shown["T"].value == 72 and shown["w"].value == 72


def test_equal_counts_are_hidden_together_and_cost_as_many_cells() -> None:
    # Malmö's kommun is the same count as Malmö (a one-part line): hiding Malmö means
    # hiding both, so of two partners of the same value, Ystad (one cell) goes
    table = Table({"T": 61, "Lund": 1, "Malmö": 30, "Ystad": 30, "Malmö kommun": 30})
    table.add_line("T", ["Lund", "Malmö", "Ystad"])
    table.add_line("Malmö kommun", ["Malmö"])
    assert same_counts(table)["Malmö"] == same_counts(table)["Malmö kommun"]
    shown = suppress(table)
    assert [k for k, s in shown.items() if s.status == "secondary"] == ["Ystad"]
    # with Ystad shown, Malmö is the partner, and its copy is hidden with it
    table = Table({"T": 32, "Lund": 1, "Malmö": 30, "Ystad": 1, "Malmö kommun": 30})
    table.add_line("T", ["Lund", "Malmö", "Ystad"])
    table.add_line("Malmö kommun", ["Malmö"])
    shown = suppress(table)
    assert shown["Malmö"].text == shown["Malmö kommun"].text == SECONDARY


def test_a_total_hidden_on_the_way_is_shown_again_where_it_is_not_needed() -> None:
    table = Table({"T": 31, "Lund": 1, "Malmö": 30})
    table.add_line("T", ["Lund", "Malmö"])
    table.reluctant = {"T": 1}
    lines_of = table.lines_of()
    # Malmö hidden protects Lund alone: the total can be shown again
    status = _Status({"Lund": "primary", "Malmö": "secondary", "T": "secondary"},
                     same_counts(table))
    _show_again(table, status, 5, lines_of)
    assert status == {"Lund": "primary", "Malmö": "secondary"}
    # the total is what protects Lund: it stays hidden
    status = _Status({"Lund": "primary", "T": "secondary"}, same_counts(table))
    _show_again(table, status, 5, lines_of)
    assert status == {"Lund": "primary", "T": "secondary"}


def test_a_total_is_shown_again_with_what_is_new_in_it_where_neither_is_needed() -> None:
    # count = new + still (a local line); what is new is 2 + 9 ("a" small)
    table = Table({"count": 31, "new": 11, "still": 20, "a": 2, "b": 9})
    table.add_line("new", ["a", "b"])
    table.add_line("count", ["new", "still"], local=True)
    table.reluctant = {"count": 2}
    lines_of = table.lines_of()
    # "b" hidden protects "a" on its own: the count and what is new can both be shown
    # (the count alone could not: "new" would be the one hidden cell of its local line)
    status = _Status({"a": "primary", "b": "secondary", "new": "secondary",
                      "count": "secondary"}, same_counts(table))
    _show_again(table, status, 5, lines_of)
    assert status == {"a": "primary", "b": "secondary"}
    # "new" is what protects "a": both stay hidden, and so does the count
    status = _Status({"a": "primary", "new": "secondary", "count": "secondary"},
                     same_counts(table))
    _show_again(table, status, 5, lines_of)
    assert status == {"a": "primary", "new": "secondary", "count": "secondary"}
    # a small count that is new is never shown again to free its total
    small = Table({"count": 23, "new": 3, "still": 20})
    small.add_line("count", ["new", "still"], local=True)
    small.reluctant = {"count": 2}
    status = _Status({"new": "primary", "count": "secondary"}, same_counts(small))
    _show_again(small, status, 5, small.lines_of())
    assert status == {"new": "primary", "count": "secondary"}


def test_a_partner_in_count_new_still_is_not_left_to_its_categories() -> None:
    # 3 new: hiding "still" beside it holds count = new + still only if "still" is not
    # known from its own categories (20 + 7)
    table = Table({"count": 30, "new": 3, "still": 27, "s1": 20, "s2": 7})
    table.add_line("count", ["new", "still"], local=True)
    table.add_line("still", ["s1", "s2"])
    shown = suppress(table)
    assert shown["new"].text == "<5"
    [(low, high)] = ranges(sums(table), *as_read(shown), of=["new"]).values()
    assert high - low >= 1, shown


def test_cells_published_before_are_held_as_published_and_never_changed() -> None:
    # an earlier snapshot's total (10, shown) = what is still there + what is gone now
    table = Table({"earlier": 10, "still": 8, "gone": 2})
    table.add_line("earlier", ["still", "gone"], local=True)
    table.fixed = {"earlier": None}
    shown = suppress(table)
    assert "earlier" not in shown  # not this table's to show
    assert (shown["gone"].text, shown["still"].text) == ("<5", SECONDARY)
    # one shown as ".." before: the two parts may not both be shown now (its count)
    table = Table({"earlier": 20, "still": 12, "gone": 8})
    table.add_line("earlier", ["still", "gone"], local=True)
    table.fixed = {"earlier": "secondary"}
    shown = suppress(table)
    assert [shown[k].text for k in ("still", "gone")] == ["12", SECONDARY]
    # equal to one shown before (nothing gone): hiding it would hide nothing, so it is
    # never a partner; the small count beside it takes another
    table = Table({"earlier": 9, "still": 9, "gone": 0, "count": 12, "new": 3})
    table.add_line("earlier", ["still", "gone"], local=True)
    table.add_line("count", ["new", "still"], local=True)
    table.fixed = {"earlier": None}
    shown = suppress(table)
    assert shown["new"].text == "<5" and shown["still"].text == "9"
    assert shown["count"].text == SECONDARY


def assert_no_small_count_pinned(table: Table, shown: dict, threshold: int = 5) -> None:
    """Once a small count may be masked, a reader knows of ".." only that it is 1 or
    more (zeros are never hidden): no cell under the threshold may be pinned by that."""
    counts, limits = as_read(shown, threshold)
    small = [k for k in limits if table.cells[k] < threshold]
    for k, (low, high) in ranges(sums(table), counts, limits, of=small).items():
        assert high - low >= 1 - 1e-6, (k, low, high)


def test_the_summary_command_uses_the_configured_method(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    from crawler.cli import main
    from crawler.keys import KeyRing
    from crawler.listing import Listing
    from crawler.snapshot import Snapshot
    from tests.conftest import write_config

    config = write_config(tmp_path, "http://127.0.0.1:9", browser=False)
    data = yaml.safe_load(config.read_text())
    data["privacy"] = {"method": "cell_key"}
    config.write_text(yaml.safe_dump(data))
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        snap = Snapshot(store, KeyRing(tmp_path / "keys"), 91, "h")
        snap.begin()
        snap.finish({"annonstavlan": [Listing("annonstavlan", "ad_board",
                                              {"text": "a neutral synthetic text", "locality": "Lund"})]},
                    [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=1)])
    capsys.readouterr()
    assert main(["summary", "--config", str(config)]) == 0
    assert "cell key method" in capsys.readouterr().out
