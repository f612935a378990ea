"""The catalogue of paper forms (表5-x): code, title, kind, family, labels.

``ledger/forms.json`` is the machine-readable copy of FORMS.md; the register index lists
every form from it, and the tests compare every declaration's labels with it.
"""

import json
from dataclasses import dataclass
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
    columns: tuple[str, ...]
    footer: tuple[str, ...]

    @property
    def sort_key(self) -> tuple[int, int]:
        major, minor = self.code.split("-")
        return int(major), int(minor)


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
        )
        for code, f in data.items()
    }
    return dict(sorted(forms.items(), key=lambda item: item[1].sort_key))
