"""The catalogue of paper forms (表5-x): code, title, kind, family, labels.

``ledger/forms.json`` is the machine-readable copy of FORMS.md; the register index lists
every form from it, and the tests compare every declaration's labels with it.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FORMS_JSON = Path(__file__).with_name("forms.json")


@dataclass(frozen=True)
class PaperForm:
    code: str
    title: str
    kind: str  # "register" | "document" | "report"
    family: str
    header: tuple[str, ...]
    columns: tuple[str, ...]  # left to right, a group label just before its sub-columns
    footer: tuple[str, ...]
    groups: dict[str, int] = field(default_factory=dict)  # group label → sub-columns
    row_labels: tuple[str, ...] = ()  # labels printed in the body (5-27: 计划 / 实际)

    @property
    def sort_key(self) -> tuple[int, int]:
        major, minor = self.code.split("-")
        return int(major), int(minor)


def normalise(label: str) -> str:
    """Labels compare without whitespace and colons, as ``check_form.py`` compares them."""
    return "".join(ch for ch in str(label) if not ch.isspace() and ch not in ":：")


@cache
def paper_forms() -> dict[str, PaperForm]:
    data = json.loads(FORMS_JSON.read_text(encoding="utf-8"))["forms"]
    forms = {
        code: PaperForm(
            code=code,
            title=f["title"],
            kind=f["kind"],
            family=f["family"],
            header=tuple(f["header"]),
            columns=tuple(f["columns"]),
            footer=tuple(f["footer"]),
            groups=dict(f.get("groups", {})),
            row_labels=tuple(f.get("row_labels", ())),
        )
        for code, f in data.items()
    }
    return dict(sorted(forms.items(), key=lambda item: item[1].sort_key))
