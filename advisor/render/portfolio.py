"""`batch --format html`: the portfolio as one self-contained page with charts drawn from data.

Charts are inline SVG generated here (no script, no network assets): decisions per standard,
which standard clients start with, and the initial audit days to certify. Bars are told apart by
fill pattern as well as colour, and every bar carries its number, so the page prints legibly in
black and white. The client table shows the first clients (the workbook holds all of them);
failures are listed with the valid values once.
"""
from __future__ import annotations

import html
import re
from typing import IO, Iterable

from advisor.advice import catalog
from advisor.advice.batch import BatchError, Portfolio, Scored, brief, collect_valid_values
from advisor.advice.models import Assessment

MAX_CLIENT_ROWS = 500


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


PATTERNS = """<defs>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#444" stroke-width="2.4"/>
</pattern></defs>"""


def bar_chart(title: str, rows: list[tuple[str, list[float]]], series: list[tuple[str, str]],
              unit: str = "") -> str:
    """A horizontal (stacked) bar chart as inline SVG: `rows` are (label, values per series),
    `series` (name, fill); each segment is labelled with its value."""
    label_w, bar_w, row_h, top = 150, 430, 24, 52
    total = max((sum(v) for _, v in rows), default=0) or 1
    height = top + row_h * len(rows) + 30
    out = [f'<svg class="chart" role="img" aria-label="{_e(title)}" viewBox="0 0 '
           f'{label_w + bar_w + 70} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
           PATTERNS, f'<text x="0" y="16" class="ct">{_e(title)}</text>']
    x = label_w
    for name, fill in series:                                  # legend, below the title
        out.append(f'<rect x="{x}" y="26" width="14" height="14" fill="{fill}" stroke="#000"/>'
                   f'<text x="{x + 19}" y="38" class="cl">{_e(name)}</text>')
        x += 30 + 8 * len(name)
    for i, (label, values) in enumerate(rows):
        y = top + i * row_h
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" class="cl">'
                   f'{_e(label)}</text>')
        x = float(label_w)
        for (name, fill), value in zip(series, values):
            if not value:
                continue
            width = bar_w * value / total
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" '
                       f'fill="{fill}" stroke="#000" stroke-width="0.8"><title>{_e(label)}, '
                       f'{_e(name)}: {value:g}{unit}</title></rect>')
            shown = f"{value:g}"
            if width > 8 * len(shown) + 6:
                solid = fill.startswith("#")
                out.append(f'<text x="{x + width / 2:.1f}" y="{y + 16}" text-anchor="middle" '
                           f'fill="{"#fff" if solid else "#000"}" '
                           f'class="cv{"" if solid else " on-hatch"}">{shown}</text>')
            x += width
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}" class="cv">{sum(values):g}{unit}</text>')
    out.append("</svg>")
    return "".join(out)


CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:0;background:#fff}
main{max-width:1100px;margin:0 auto;padding:28px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #111;padding-bottom:3px}
.counts{display:flex;gap:14px;flex-wrap:wrap;margin:14px 0}
.count{border:2px solid #111;padding:8px 14px;min-width:120px}.count b{display:block;font-size:24px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.chart{max-width:100%;height:auto}.ct{font-weight:700;font-size:14px}.cl{font-size:12px}.cv{font-size:11px;font-weight:700}
.on-hatch{paint-order:stroke;stroke:#fff;stroke-width:3px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#e6e6e6}.id{white-space:nowrap}.certify{font-weight:700}.implement{font-style:italic}
.note{color:#333;font-size:13px}code{font-size:12px}
@media (max-width:800px){.grid{grid-template-columns:1fr}}
@media print{main{padding:0}h2{break-after:avoid}tr,svg{break-inside:avoid}}
"""


def write_portfolio_html(results: Iterable[tuple[str, Scored | BatchError | Assessment]],
                         stream: IO[str]) -> Portfolio:
    """Render the portfolio report; the client rows are kept for the first MAX_CLIENT_ROWS."""
    portfolio = Portfolio(detailed=True)
    clients: list[tuple[str, Scored]] = []
    with_id = False
    for source, result in results:
        if isinstance(result, Assessment):
            result = Scored.of(result, with_details=True)
        if result.record_id is not None:
            with_id = True
        portfolio.add(result)
        if isinstance(result, Scored) and len(clients) < MAX_CLIENT_ROWS:
            clients.append((source, result))
    stream.write(render_portfolio(portfolio, clients, with_id))
    return portfolio


def render_portfolio(portfolio: Portfolio, clients: list[tuple[str, Scored]],
                     with_id: bool) -> str:
    dark, hatch = "#1f3864", "url(#hatch)"
    planned = [(name, [portfolio.decisions[name]["certify"], portfolio.decisions[name]["implement"]])
               for name in catalog.NAMES
               if portfolio.decisions[name]["certify"] + portfolio.decisions[name]["implement"]]
    first = sorted(portfolio.first_steps.items(), key=lambda kv: (-kv[1], kv[0]))
    days = [(name + (" *" if name in portfolio.estimated else ""),
             [round(portfolio.audit_days[name], 1)])
            for name in catalog.NAMES if portfolio.audit_days.get(name)]
    body = [f"<h1>Portfolio report</h1><p class=note>ISO management-system advice for "
            f"{portfolio.scored + portfolio.failed:,} clients read.</p>",
            '<div class="counts">'
            f'<div class="count"><b>{portfolio.scored:,}</b>clients scored</div>'
            f'<div class="count"><b>{portfolio.failed:,}</b>could not be scored</div>'
            f'<div class="count"><b>{sum(c for _, (c, _i) in planned):,}</b>certify '
            'decisions</div>'
            f'<div class="count"><b>{sum(v[0] for _, v in days):,.0f}</b>initial audit days '
            'to certify</div></div>']
    body.append("<h2>Decisions per standard</h2>")
    body.append(bar_chart("Clients per standard and decision",
                          planned, [("certify", dark), ("implement", hatch)])
                if planned else "<p>No standard is advised for any client.</p>")
    body.append("<h2>Where clients start</h2>"
                + (bar_chart("Clients whose first step it is", [(n, [c]) for n, c in first],
                             [("first step", dark)]) if first else "<p>No plans.</p>"))
    body.append("<h2>Effort to certify</h2>"
                + (bar_chart("Initial audit days (stage 1 + stage 2), all clients", days,
                             [("audit days", hatch)]) if days else "<p>Nothing to certify.</p>")
                + '<p class="note">Audit days from the IAF MD 5 tables and ISO/IEC 27006 where '
                  'they apply; * marks standards whose days are estimates. Surveillance and '
                  'recertification audits are not included; certificates already held are not '
                  'counted.</p>')
    body.append(_clients_table(portfolio, clients, with_id))
    body.append(_errors(portfolio))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>Portfolio report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def _clients_table(portfolio: Portfolio, clients: list[tuple[str, Scored]], with_id: bool) -> str:
    head = ("<th>Id</th>" if with_id else "") + \
        "<th>Organization</th><th>First step</th><th>Certify</th><th>Implement</th>"
    rows = []
    for source, c in clients:
        certify = ", ".join(s for s, d in c.plan if d == "certify")
        implement = ", ".join(s for s, d in c.plan if d == "implement")
        rows.append("<tr>" + (f"<td class=id>{_e(c.record_id or '')}</td>" if with_id else "")
                    + f'<td title="{_e(source)}">{_e(c.organization)}</td><td>{_e(c.top)}</td>'
                    f'<td class="certify">{_e(certify)}</td>'
                    f'<td class="implement">{_e(implement)}</td></tr>')
    more = portfolio.scored - len(clients)
    note = (f'<p class="note">The first {len(clients):,} of {portfolio.scored:,} clients; '
            "the workbook (--format xlsx) lists all of them.</p>") if more > 0 else ""
    return (f"<h2>Clients</h2>{note}<table><thead><tr>{head}</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _errors(portfolio: Portfolio) -> str:
    if not portfolio.failures:
        return ""
    valid: dict[str, list[str]] = {}
    rows = []
    for failure in portfolio.failures:
        collect_valid_values(valid, failure.problems)
        for p in failure.problems:
            shown = brief(p)
            rows.append(f"<tr><td>{_e(failure.source)}</td><td>{_e(failure.organization or '')}"
                        f"</td><td>{_e(p.field or '')}</td>"
                        f"<td>{_e(shown.message)}"
                        + (f"; did you mean {_e(' or '.join(p.suggestions))}?"
                           if p.suggestions else "")
                        + (f" (valid: {_e(shown.valid)})" if shown.valid else "") + "</td></tr>")
    hidden = portfolio.failed - len(portfolio.failures)
    listed = "".join(f"<li><strong>{_e(', '.join(n))}</strong>: {_e(v)}</li>"
                     for v, n in valid.items())
    return ("<h2>Could not be scored</h2><table><thead><tr><th>Where</th><th>Organization</th>"
            "<th>Field</th>"
            "<th>Problem</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
            + (f'<p class="note">... and {hidden:,} more.</p>' if hidden else "")
            + (f"<p>Valid values:</p><ul>{listed}</ul>" if listed else ""))
