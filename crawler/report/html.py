"""The weekly county summary as one self-contained HTML file (styles and charts inside,
nothing fetched), written from a ``WeeklyReport``. Jinja2 escapes every value."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crawler import __version__
from crawler.report import charts, swedish
from crawler.report.weekly import WeeklyReport

TOP_ORTER = 10
MIN_TREND_WEEKS = 6

_ENV = Environment(loader=PackageLoader("crawler.report", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


# the p-table's parameters stay out of outputs meant for people (crawler/protection.py)
LEGEND = ("Varje siffra har ett litet, fast brus enligt cellnyckelmetoden, som SCB använder "
          "för befolkningsstatistiken, så att ingen enskild annons kan pekas ut. Samma "
          "annonser ger alltid samma siffra, i varje rapport och varje vecka. Totaler har "
          "ett eget brus och är inte exakt summan av sina delar.")


def render(report: WeeklyReport, generated: datetime | None = None) -> str:
    tz = ZoneInfo(report.week.tz)
    generated = (generated or datetime.now(UTC)).astimezone(tz)
    taken = datetime.fromisoformat(report.snapshot.started_at).astimezone(tz)
    baseline = datetime.fromisoformat(report.baseline.started_at).astimezone(tz)
    # the weeks before the first snapshot are left out (a new installation has few)
    first = next((n for n, p in enumerate(report.trend) if p.value is not None), 0)
    trend = report.trend[min(first, max(len(report.trend) - MIN_TREND_WEEKS, 0)):]
    trend_labels = [p.week.label for p in trend]
    trend_values = [p.value.value if p.value is not None else None for p in trend]
    top = [r for r in report.orter if r.key not in ("unknown", "abroad")][:TOP_ORTER]
    drawn = {
        "trend": charts.trend(trend_labels, trend_values,
                              f"Unika annonser per vecka, {report.county.name}"),
        "orter": charts.bars([r.label for r in top], [r.now.value for r in top],
                             "Orter med flest unika annonser") if top else "",
    }
    previous_label = ""
    if report.previous is not None:
        # weekly snapshots: last week's; more often: the one before, by its day
        previous = datetime.fromisoformat(report.previous.started_at).astimezone(tz)
        last_week = report.last_week.snapshot_id if report.last_week else None
        previous_label = (f"förra veckan ({swedish.day(previous.date())})"
                          if report.previous.snapshot_id == last_week else
                          f"föregående ögonblicksbild ({swedish.day(previous.date())})")
    return _ENV.get_template("weekly.html.j2").render(
        r=report, charts=drawn, version=__version__,
        first_day=swedish.day(report.week.first_day), last_day=swedish.day(report.week.last_day),
        taken=f"{swedish.day(taken.date())} kl. {taken:%H:%M}",
        baseline_day=swedish.day(baseline.date()),
        generated=f"{swedish.day(generated.date())} kl. {generated:%H:%M}",
        site_count=len(report.snapshot.sites),
        level_note=swedish.LEVEL_NOTE, legend=LEGEND, previous_label=previous_label,
        change_note={f"{level}/{change}": note for (level, change), note in
                     swedish.CHANGE_NOTE.items()},
    )
