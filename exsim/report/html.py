"""report.html: the markdown report as one self-contained page (figures embedded), printable to PDF.

Only the markdown exsim itself writes is understood: headings, paragraphs, line breaks (two trailing
spaces), bullet lists, pipe tables, images, **bold**, *italic* and `code`. No network access and no
dependency beyond the standard library.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #0072B2; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f4f8; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: #444; }
code { font-size: 90%; background: #f4f4f4; padding: 0 .2rem; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  @page { size: A4; margin: 15mm; }
}
"""


def write_html(folder: Path, markdown: str, title: str = "exsim report") -> Path:
    """Write report.html beside report.md in `folder`, with the figures it names embedded; returns its path."""
    folder = Path(folder)
    path = folder / "report.html"
    path.write_text(markdown_to_html(markdown, folder, title))
    return path


def markdown_to_html(markdown: str, folder: Path | None = None, title: str = "exsim report") -> str:
    """A whole HTML page from exsim's markdown; images under `folder` are embedded as data URIs."""
    body: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            body.append(f"<h{level}>{_inline(stripped[level:].strip())}</h{level}>")
            i += 1
        elif stripped.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(lines[i].strip())
                i += 1
            body.append(_table(rows))
        elif stripped.startswith("- "):
            items = []
            while i < len(lines) and lines[i].strip().startswith("- "):
                items.append(f"<li>{_inline(lines[i].strip()[2:])}</li>")
                i += 1
            body.append("<ul>" + "".join(items) + "</ul>")
        elif re.fullmatch(r"!\[[^\]]*\]\([^)]+\)", stripped):
            alt, src = re.fullmatch(r"!\[([^\]]*)\]\(([^)]+)\)", stripped).groups()
            i += 1
            caption = ""
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i < len(lines) and _is_plain(lines[i]):
                caption = lines[i].strip()
                i += 1
            body.append(f"<figure><img alt=\"{html.escape(alt)}\" src=\"{_image_src(src, folder)}\">"
                        + (f"<figcaption>{_inline(caption)}</figcaption>" if caption else "") + "</figure>")
        else:
            para = []
            while i < len(lines) and _is_plain(lines[i]):
                para.append(_inline(lines[i].rstrip()) + ("<br>" if lines[i].endswith("  ") else ""))
                i += 1
            body.append("<p>" + "\n".join(para) + "</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _is_plain(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith(("#", "|", "- ")) and not re.fullmatch(r"!\[[^\]]*\]\([^)]+\)", s)


def _table(rows: list[str]) -> str:
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    separator = len(cells) > 1 and all(set(c) <= set("-: ") for c in cells[1])
    head, body = (cells[0], cells[2:]) if separator else (None, cells)
    out = ["<table>"]
    if head is not None:
        out.append("<thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr></thead>")
    out.append("<tbody>" + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in body)
               + "</tbody></table>")
    return "".join(out)


def _inline(text: str) -> str:
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) >= 2:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(part)
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part)
        part = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", part)
        out.append(part)
    return "".join(out)


def _image_src(src: str, folder: Path | None) -> str:
    """A data URI for a local PNG or SVG (the page stands alone), else the path as given."""
    if folder is not None:
        path = Path(folder) / src
        kinds = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
        if path.is_file() and path.suffix.lower() in kinds:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return f"data:{kinds[path.suffix.lower()]};base64,{data}"
    return html.escape(src)
