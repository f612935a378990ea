"""The form-label check used by the tests, in step with the company's ``check_form.py``.

Labels come from ledger/forms.json (title, header fields, columns, footer, ``groups`` and
``row_labels``); whitespace and colons are ignored.

- Title, header fields and footer: each after the previous one, in reading order.
- The columns of a register (or of a form with ``groups``): checked by position, as on
  paper. Sub-columns and plain columns stand left to right in the listed order; a group
  label stands above its sub-columns and within their width. A plain column may span both
  header rows and a label may wrap inside its cell.
- ``row_labels`` (计划 / 实际 on 表5-27) appear somewhere after the header.

PDF words and their boxes are read with ``pdftotext -bbox`` (poppler-utils); xlsx cells,
with their merged ranges, with openpyxl.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass

from openpyxl import load_workbook

from ledger.catalog import FORMS_JSON

NOISE = re.compile(r"[\s:：]+")
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def _norm(text: str) -> str:
    return NOISE.sub("", text)


def forms() -> dict:
    return json.loads(FORMS_JSON.read_text(encoding="utf-8"))["forms"]


# --- plain text, in reading order (for simple "does it say X" assertions) ---------------
def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True
        )
    return out.stdout


def xlsx_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        wb = load_workbook(handle.name, read_only=True)
        parts = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                parts.extend(str(v) for v in row if v is not None)
        wb.close()
    return "\n".join(parts)


def labels_in_order(labels, text: str) -> list[str]:
    """The labels missing from ``text`` or out of order (empty when all is well)."""
    text = _norm(text)
    missing, pos = [], 0
    for label in labels:
        at = text.find(_norm(label), pos)
        if at < 0:
            missing.append(label)
        else:
            pos = at + len(_norm(label))
    return missing


def form_labels(code: str) -> list[str]:
    form = forms()[code]
    return [form["title"], *form["header"], *form["columns"], *form["footer"]]


# --- positional check ---------------------------------------------------------------------
@dataclass
class Box:
    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    i: int = -1

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


def pdf_boxes(data: bytes) -> tuple[list[Box], float, float]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-bbox", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    boxes = []
    for page, chunk in enumerate(out.split("<page ")[1:]):
        for x0, y0, x1, y1, text in WORD.findall(chunk):
            t = _norm(html.unescape(text))
            if t:
                boxes.append(Box(t, page, float(x0), float(y0), float(x1), float(y1)))
    return boxes, 30.0, 60.0


def xlsx_boxes(data: bytes) -> tuple[list[Box], float, float]:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        wb = load_workbook(handle.name)
    boxes = []
    for page, ws in enumerate(wb.worksheets):
        spans = {(r.min_row, r.min_col): (r.max_row, r.max_col) for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not hasattr(cell, "column"):
                    continue
                t = _norm(str(cell.value))
                if t:
                    r1, c1 = spans.get((cell.row, cell.column), (cell.row, cell.column))
                    boxes.append(Box(t, page, cell.column, cell.row, c1 + 0.999, r1 + 0.999))
    return boxes, 1.5, 3.5


class _Text:
    def __init__(self, boxes: list[Box]):
        lines: list[list[Box]] = []
        for b in sorted(boxes, key=lambda b: (b.page, b.yc)):
            line = lines[-1] if lines else None
            if line and line[0].page == b.page and abs(b.yc - line[0].yc) < (b.y1 - b.y0) / 2:
                line.append(b)
            else:
                lines.append([b])
        self.boxes = [b for line in lines for b in sorted(line, key=lambda b: b.x0)]
        for i, b in enumerate(self.boxes):
            b.i = i
        self.stream = "".join(b.text for b in self.boxes)
        self.owner = [i for i, b in enumerate(self.boxes) for _ in b.text]

    def find(self, label: str, pos: int) -> int:
        return self.stream.find(_norm(label), pos)


def _candidates(band: list[Box], label: str) -> list[Box]:
    found = [b for b in band if b.text == label]
    for head in band:
        if head.text == label or not label.startswith(head.text):
            continue
        text, cur = head.text, head
        while len(text) < len(label):
            below = [
                b
                for b in band
                if b.y0 > cur.y0
                and b.x0 < head.x1
                and b.x1 > head.x0
                and label.startswith(text + b.text)
            ]
            if not below:
                break
            cur = min(below, key=lambda b: b.y0)
            text += cur.text
        if text == label:
            found.append(
                Box(
                    label,
                    head.page,
                    min(head.x0, cur.x0),
                    head.y0,
                    max(head.x1, cur.x1),
                    cur.y1,
                    cur.i,
                )
            )
    return found


def _check_table(text: _Text, form: dict, pos: int, above: float, below: float):
    columns, groups = form["columns"], form.get("groups", {})
    start = text.owner[pos] if pos < len(text.owner) else len(text.boxes)
    rest = text.boxes[start:]
    found = [b for label in columns for b in _candidates(rest, _norm(label))]
    if not found:
        return list(columns), pos
    anchor = min(found, key=lambda b: b.i)
    band = [
        b
        for b in text.boxes
        if b.page == anchor.page and anchor.y0 - above <= b.yc <= anchor.y1 + below
    ]
    missing, leaves, last_x = [], [], float("-inf")
    pending: list[list] = []
    for label in columns:
        if label in groups and label not in [p[0] for p in pending]:
            pending.append([label, groups[label], []])
            continue
        right = [b for b in _candidates(band, _norm(label)) if b.xc > last_x]
        box = min(right, key=lambda b: b.xc, default=None)
        if box is None:
            missing.append(label)
        else:
            last_x = box.xc
            leaves.append(box)
            for p in pending:
                p[2].append(box)
        for p in pending:
            p[1] -= 1
        for p in [p for p in pending if p[1] == 0]:
            pending.remove(p)
            if not _group_above(band, _norm(p[0]), p[2]):
                missing.append(f"{p[0]} (above its sub-columns)")
    missing.extend(f"{p[0]} (above its sub-columns)" for p in pending)
    if not leaves:
        return missing, pos
    last = max(b.i for b in leaves)
    return missing, max(pos, sum(len(b.text) for b in text.boxes[: last + 1]))


def _group_above(band: list[Box], label: str, children: list[Box]) -> bool:
    if not children:
        return False
    lo, hi = min(c.x0 for c in children), max(c.x1 for c in children)
    top = min(c.yc for c in children)
    return any(lo - 1 <= b.xc <= hi + 1 and b.yc < top for b in _candidates(band, label))


def missing_labels(code: str, data: bytes, kind: str) -> list[str]:
    """The labels of form ``code`` missing or out of place in a PDF or xlsx (empty: all
    is well)."""
    form = forms()[code]
    boxes, above, below = pdf_boxes(data) if kind == "pdf" else xlsx_boxes(data)
    text = _Text(boxes)
    missing: list[str] = []
    pos = 0

    def in_order(labels):
        nonlocal pos
        for label in labels:
            at = text.find(label, pos)
            if at < 0:
                missing.append(label)
            else:
                pos = at + len(_norm(label))

    in_order([form["title"], *form["header"]])
    if form.get("groups") or form["kind"] == "register":
        table_missing, pos = _check_table(text, form, pos, above, below)
        missing.extend(table_missing)
    else:
        in_order(form["columns"])
    missing.extend(label for label in form.get("row_labels", []) if text.find(label, pos) < 0)
    in_order(form["footer"])
    return missing
