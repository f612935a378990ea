"""The form-label check used by the tests: every label of a 表, in order, in a PDF or xlsx.

The same rule as the company's check tool: labels come from ledger/forms.json (title,
header fields, columns, footer); whitespace and colons are ignored; each label must appear
after the previous one. PDF text is read with pdftotext (poppler-utils), xlsx row by row.
"""

import re
import subprocess
import tempfile

from openpyxl import load_workbook

from ledger.catalog import paper_forms

NOISE = re.compile(r"[\s:：]+")


def _norm(text: str) -> str:
    return NOISE.sub("", text)


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
    form = paper_forms()[code]
    return [form.title, *form.header, *form.columns, *form.footer]


def missing_labels(code: str, data: bytes, kind: str) -> list[str]:
    text = pdf_text(data) if kind == "pdf" else xlsx_text(data)
    return labels_in_order(form_labels(code), text)
