"""``review.html``: each candidate beside the passage it came from, with places, dates and
cue words highlighted. One self-contained page: inline CSS, no scripts, no external files.
"""

from __future__ import annotations

import html

from analysis.extract.events import Analysis
from analysis.extract.reading import Document

STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;max-width:70em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;font-size:.9em}
th{background:#f3f3f3}.passage{line-height:1.7}
mark.place{background:#cfe8ff}mark.date{background:#ffe9a8}mark.cue{background:#d6f5d6}
.warn{color:#a33}.legend mark{padding:0 .3em}code{font-size:.85em}
"""


def _marked(text: str, start: int, end: int, analysis: Analysis) -> str:
    """The passage text[start:end] with its places, dates and cues wrapped in <mark>."""
    marks = [(p.start, p.end, "place", p.city_id or p.country or "") for p in analysis.places]
    marks += [(d.start, d.end, "date", d.date or "unknown") for d in analysis.dates]
    marks += [(a, b, "cue", kind) for a, b, kind in analysis.cues]
    marks = sorted((m for m in marks if start <= m[0] and m[1] <= end), key=lambda m: (m[0], -m[1]))
    out, pos = [], start
    for a, b, cls, title in marks:
        if a < pos:
            continue  # overlapping marks: the first (longest) wins
        out.append(html.escape(text[pos:a]))
        out.append(f'<mark class="{cls}" title="{html.escape(title)}">{html.escape(text[a:b])}</mark>')
        pos = b
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def review_html(results: list[tuple[Document, Analysis]], events_rows: list[dict], label=str) -> str:
    """The whole page; ``events_rows`` are the written rows (same order as the candidates)."""
    by_source: dict[str, list[dict]] = {}
    for row in events_rows:
        by_source.setdefault(row["source"], []).append(row)
    parts = [
        "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">",
        "<title>Extraction candidates for review</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Candidate events for review</h1>",
        ('<p class="legend">Highlighted: <mark class="place">places</mark> <mark class="date">dates</mark> '
         '<mark class="cue">cue words</mark> (hover for the id, the date read, or the kind). Copy the rows you '
         "accept into <code>data/raw/</code>, then run <code>python -m analysis validate</code>.</p>"),
    ]
    for doc, analysis in results:
        published = doc.published.isoformat() if doc.published else "unknown"
        parts.append(f"<h2>{html.escape(doc.title)} <small>({html.escape(doc.path.name)}, key "
                     f"<code>{html.escape(doc.key)}</code>, published {published} from {doc.published_from})</small></h2>")
        for w in analysis.warnings:
            parts.append(f'<p class="warn">{html.escape(w)}</p>')
        rows = by_source.get(doc.key, [])
        if not rows:
            parts.append("<p>No candidate events.</p>")
            continue
        parts.append("<table><tr><th>event_id</th><th>kind</th><th>origin → destination</th><th>date</th>"
                     "<th>leader</th><th>topics</th><th>passage</th><th>note</th></tr>")
        for row, cand in zip(rows, analysis.candidates):
            date = row["date"] + (f" – {row['date_end']}" if row["date_end"] else "")
            route = f"{label(row['origin'])} → {label(row['destination'])}"
            parts.append(
                f"<tr><td><code>{html.escape(row['event_id'])}</code></td><td>{row['kind']}</td>"
                f"<td>{html.escape(route)}</td><td>{html.escape(date)}</td><td>{row['leader_rank']}</td>"
                f"<td>{html.escape(row['topics'])}</td>"
                f'<td class="passage">{_marked(analysis.text, cand.start, cand.end, analysis)}</td>'
                f"<td>{html.escape(row['note'])}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
