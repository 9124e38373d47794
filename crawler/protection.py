"""The one protection of every output meant for people: the cell key method.

The store keeps exact counts, each with its cell key (the sum of its units' record keys
modulo the key range, crawler/record_keys.py). A person reads ``published``: the count
plus the perturbation that the p-table (crawler/ptable.py) gives for (count, cell key).
So a published count is a function of the cell alone:

- the same cell is the same number in every output and every run, with nothing decided,
  cached or coordinated between outputs;
- cells that count the same units have the same cell key, so they are the same number
  too (a county's total and its cell in the national table), and a cell whose units did
  not change between two weeks does not change either;
- nothing is hidden; totals are perturbed like any cell and need not equal the sum of
  their parts; zero stays zero and, under the default p-table, no count is published as
  1 or 2.

An indicator written before cell keys existed has none; it is published through the same
p-table with a cell key derived from its name and the record key secret
(``record_keys.named_cell_key``): never exact, the same number every time, but not shared
with other cells of the same units (docs/PRIVACY.md).

A stated age under 18 is a safeguarding signal, not a statistic: ``flag`` says exactly
whether any listing stated one, never perturbed to zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from crawler.normalise.person import UNDER_18
from crawler.ptable import DEFAULT_PARAMETERS, PTable, PTableParameters
from crawler.record_keys import named_cell_key
from crawler.records import CellId, Indicator
from crawler.vocabulary import Breakdown, CellState

AGE_BAND = "age_band"

if TYPE_CHECKING:
    from crawler.config import LoadedConfig


NON_ADDITIVE = ("Every count is protected by the cell key method: it carries a small, "
                "fixed noise, the same wherever the count appears;\ntotals are perturbed on "
                "their own and need not equal the sum of their parts. The stored counts are "
                "exact.")


@dataclass(frozen=True, slots=True)
class Shown:
    """How a cell is shown: ``text`` always, ``value`` when it is a number."""

    value: int | None
    text: str
    state: CellState  # PERTURBED, or FLAG for a stated age under 18

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Protection:
    parameters: PTableParameters = DEFAULT_PARAMETERS
    # keys the cells written before cell keys existed (``KeyRing.record_secret``)
    secret: bytes | None = field(default=None, repr=False)

    @property
    def table(self) -> PTable:
        return PTable.build(self.parameters)  # built once per parameters (cached)

    def published(self, indicator: Indicator) -> int:
        return self.table.published(indicator.value, self._cell_key(indicator))

    def cell(self, indicator: Indicator) -> Shown:
        if is_under_18(indicator):
            return Shown(None, str(Flag(indicator.value > 0)), CellState.FLAG)
        value = self.published(indicator)
        return Shown(value, str(value), CellState.PERTURBED)

    def shown(self, indicators: Iterable[Indicator]) -> dict[CellId, Shown]:
        """Each indicator as every output shows it, by ``Indicator.cell_id``: ``cell`` for
        each, looked up in one pass over the p-table (a whole snapshot at once)."""
        chosen = list(indicators)
        published = self.table.published_many(
            np.fromiter((i.value for i in chosen), np.int64, len(chosen)),
            np.fromiter((self._cell_key(i) for i in chosen), np.int64, len(chosen))).tolist()
        # a Shown is immutable: one per published value serves every cell showing it
        numbers: dict[int, Shown] = {}
        out = {}
        for i, value in zip(chosen, published):
            shown = numbers.get(value)
            if shown is None:
                shown = numbers[value] = Shown(value, str(value), CellState.PERTURBED)
            out[i.cell_id] = self.cell(i) if is_under_18(i) else shown
        return out

    def legend(self) -> str:
        # the p-table's parameters stay out of outputs (the EU handbook: a published
        # maximum deviation helps an attacker bound a cell)
        return NON_ADDITIVE

    def _cell_key(self, indicator: Indicator) -> int:
        if indicator.cell_key is not None:
            return indicator.cell_key
        if self.secret is None:
            raise ValueError(
                f"indicator {indicator.cell_id} has no cell key (written "
                "before cell keys existed) and no record key secret was given to key it")
        return named_cell_key(self.secret, *indicator.cell_id)


@dataclass(frozen=True, slots=True)
class Flag:
    """Present or not, exactly: a safeguarding signal, never perturbed to zero."""

    present: bool

    def __str__(self) -> str:
        return "present" if self.present else "not present"


def is_under_18(indicator: Indicator) -> bool:
    """A count of listings that stated an age under 18: published as a flag."""
    return ((indicator.breakdown == AGE_BAND and indicator.category == UNDER_18)
            or indicator.breakdown == Breakdown.UNDER_18_LOCALITY)


def flag(indicators: Iterable[Indicator]) -> Flag:
    """Whether any of ``indicators`` (counts of a stated age under 18) is above zero."""
    return Flag(any(i.value > 0 for i in indicators))




def protection_for(loaded: LoadedConfig, env: Mapping[str, str] | None = None) -> Protection:
    """The configured protection (``privacy:`` in adcensus.yaml) with the record key secret."""
    from crawler.keys import KeyRing

    return Protection(loaded.config.privacy.parameters(),
                      KeyRing(loaded.keys_dir, env).record_secret())
