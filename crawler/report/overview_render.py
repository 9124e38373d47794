"""The national overview as plain text, a self-contained HTML page, or one tidy CSV file.

Layout only: every number comes from an ``Overview`` (overview.py), where it was protected
before any renderer saw it.
"""

from __future__ import annotations

import csv
import io
import textwrap

from jinja2 import Environment

from crawler.report.overview import Overview
from crawler.report.overview_tables import OverviewTable

FORMATS = ("text", "html", "csv")
WIDTH = 100
GAP = "  "


def render(overview: Overview, fmt: str) -> str:
    if fmt == "html":
        return to_html(overview)
    if fmt == "csv":
        return to_csv(overview)
    return to_text(overview)


def _groups(table: OverviewTable) -> list[tuple[str, int]]:
    """Consecutive columns under one heading: (heading, how many columns)."""
    out: list[tuple[str, int]] = []
    for column in table.columns:
        if out and out[-1][0] == column.group and column.group:
            out[-1] = (column.group, out[-1][1] + 1)
        else:
            out.append((column.group, 1))
    # a heading over one column that says the same ("2020" over "2020") says nothing
    start, blanked = 0, []
    for group, n in out:
        same = n == 1 and group == table.columns[start].heading
        blanked.append(("" if same else group, n))
        start += n
    return blanked


# --- text -----------------------------------------------------------------------------------

def to_text(overview: Overview) -> str:
    lines = [overview.title, "=" * len(overview.title)]
    lines += [w for line in overview.heading for w in textwrap.wrap(line, WIDTH)]
    for table in overview.tables:
        lines += ["", table.title, "-" * len(table.title), *_text_table(table)]
        for note in table.notes:
            lines += textwrap.wrap(note, WIDTH, initial_indent="  ", subsequent_indent="  ")
    lines.append("")
    for note in overview.notes:
        # the protection legend keeps its own line breaks
        for paragraph in note.split("\n"):
            lines += textwrap.wrap(paragraph, WIDTH)
    return "\n".join(lines) + "\n"


def _text_table(table: OverviewTable) -> list[str]:
    label_width = max([len(r.label) for r in table.rows] + [1])
    widths = [max([len(c.heading)] + [len(r.values[i].text) for r in table.rows])
              for i, c in enumerate(table.columns)]
    left = [c.statistic == "text" for c in table.columns]

    def line(label: str, cells: list[str]) -> str:
        parts = [f"{cell:<{w}}" if is_left else f"{cell:>{w}}"
                 for cell, w, is_left in zip(cells, widths, left)]
        return (f"{label:<{label_width}}{GAP}" + GAP.join(parts)).rstrip()

    out = []
    groups = _groups(table)
    if any(group for group, _ in groups):
        spans, start = [], 0
        for group, n in groups:
            span = sum(widths[start:start + n]) + len(GAP) * (n - 1)
            spans.append(f" {group} ".center(span, "-") if group and n > 1
                         else f"{group:>{span}}" if group else " " * span)
            start += n
        out.append((" " * label_width + GAP + GAP.join(spans)).rstrip())
    out.append(line("", [c.heading for c in table.columns]))
    for row in table.rows:
        out.append(line(row.label, [v.text for v in row.values]))
    return out


# --- HTML -----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ o.title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 70rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #ddd; }
td { text-align: right; } td.text { text-align: left; }
thead th { background: #f3f3f3; font-weight: 600; }
tbody th { text-align: left; font-weight: normal; }
tr.detail th { padding-left: 1.6rem; color: #555; }
tr.stated, tr.total { font-weight: 600; } tr.stated th, tr.total th { font-weight: 600; }
td.flag { font-weight: 600; }
td.reference { color: #555; font-style: italic; }
p.note { font-size: 0.9rem; color: #444; max-width: 60rem; }
footer { margin-top: 2rem; font-size: 0.9rem; color: #444; }
</style>
</head>
<body>
<h1>{{ o.title }}</h1>
{% for line in o.heading %}<p>{{ line }}</p>
{% endfor %}
{% for t in tables %}<section id="{{ t.table.name }}">
<h2>{{ t.table.title }}</h2>
<table>
<thead>
{% if t.grouped %}<tr><th></th>{% for group, span in t.groups %}<th colspan="{{ span }}">{{ group }}</th>{% endfor %}</tr>
{% endif %}<tr><th></th>{% for c in t.table.columns %}<th>{{ c.heading }}</th>{% endfor %}</tr>
</thead>
<tbody>
{% for r in t.table.rows %}<tr class="{{ r.kind }}"><th scope="row">{{ r.label.strip() }}</th>{% for v in r.values %}<td class="{{ v.state }}">{{ v.text }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% for n in t.table.notes %}<p class="note">{{ n }}</p>
{% endfor %}</section>
{% endfor %}
<footer>
{% for n in o.notes %}<p>{{ n }}</p>
{% endfor %}</footer>
</body>
</html>
"""

# autoescape on every value: labels and notes are codebook categories and site names, but
# a page must stay a page whatever a site definition calls itself
_ENV = Environment(autoescape=True, keep_trailing_newline=True)


def to_html(overview: Overview) -> str:
    tables = [{"table": t, "groups": _groups(t), "grouped": any(g for g, _ in _groups(t))}
              for t in overview.tables]
    return _ENV.from_string(PAGE).render(o=overview, tables=tables)


# --- CSV ------------------------------------------------------------------------------------

CSV_FIELDS = ("snapshot_id", "table", "row", "label", "row_kind", "column", "level",
              "statistic", "text", "value")


def to_csv(overview: Overview) -> str:
    """One tidy file: a line per shown cell. ``value`` is the published number (empty when
    the cell is text or a flag); ``text`` is what a person reads ("12", "present")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for table in overview.tables:
        for row in table.rows:
            for column, value in zip(table.columns, row.values):
                number = value.number
                shown = "" if number is None else str(number)
                writer.writerow((row.snapshot_id or overview.snapshot_id, table.name,
                                 row.category, row.label.strip(), row.kind, column.key,
                                 column.level, value.statistic or column.statistic,
                                 value.text, shown))
    return out.getvalue()
