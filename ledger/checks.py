"""System checks: what PDF printing needs from the machine, and every register and
document declaration (``manage.py check``, ids ledger.E101 …)."""

import ctypes.util
import shutil
import subprocess

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import FieldDoesNotExist
from django.db.models import AutoField, DateField, DecimalField, FloatField, IntegerField

from ledger.engine.columns import NUMERIC_KINDS, Kind
from ledger.engine.shapes import ROW_LABEL


def cjk_font_available(family: str) -> bool:
    """True if fontconfig knows a font of ``family`` covering Chinese."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run(
                [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        return any(family.lower() in line.lower() for line in out.splitlines())
    from pathlib import Path

    return any(Path("/usr/share/fonts").rglob("NotoSansCJK*"))


def harfbuzz_subsetter_available() -> bool:
    """True if WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError):
        return bool(ctypes.util.find_library("harfbuzz-subset"))
    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@register("ledger")
def check_pdf_dependencies(app_configs, **kwargs):
    problems = []
    family = settings.LEDGER_PDF_FONT_FAMILY
    if not cjk_font_available(family):
        problems.append(
            Warning(
                f"No CJK font '{family}' found: printed forms will show boxes instead of "
                "Chinese text.",
                hint="sudo apt-get install -y fonts-noto-cjk",
                id="ledger.W001",
            )
        )
    if not harfbuzz_subsetter_available():
        problems.append(
            Warning(
                "HarfBuzz's font subsetter (libharfbuzz-subset0) is missing: WeasyPrint falls "
                "back to fontTools and every PDF takes seconds instead of a fraction of one.",
                hint="sudo apt-get install -y libharfbuzz-subset0",
                id="ledger.W002",
            )
        )
    return problems


# --- Declarations (registers and documents), checked as the admin checks its ModelAdmins ---

DATE_KINDS = frozenset({Kind.DATE, Kind.DATETIME})


@register("ledger")
def check_declarations(app_configs, **kwargs):
    """Every declaration of the site: fields resolve, kinds fit, keys are unique, and a
    form with a 表 code agrees with ``ledger/forms.json``."""
    from ledger.engine import site

    problems = []
    for declaration in site.declarations():
        problems += check_declaration(declaration)
    return problems


def check_declaration(declaration) -> list[CheckMessage]:
    """The problems of one declaration (see ``check_declarations``)."""
    problems: list[CheckMessage] = []

    def error(msg: str, id_: str, hint: str | None = None) -> None:
        # The message is printed after the declaration (its code and title).
        problems.append(Error(msg, hint, declaration, id_))

    model = getattr(declaration, "model", None)
    columns = tuple(getattr(declaration, "columns", ()))
    annotations = set(getattr(declaration, "annotations", ()))
    row_group = getattr(declaration, "row_group", None)
    if model is not None:
        for column in columns:
            if getattr(column, "expr", None) is not None:
                continue  # a declared expression: the database computes it
            if column.field == ROW_LABEL:
                continue  # the printed row's label (计划 / 实际), not a field
            paths = [column.field] if column.field else []
            paths += list(column.needs) + list(column.sort_fields)
            if row_group is not None:
                # A field that differs per printed row is checked for every row.
                paths = [p.replace("{row}", key) for p in paths for _label, key in row_group.rows]
            for path in dict.fromkeys(paths):  # each path once
                name = path.lstrip("-")
                if name.split("__")[0] in annotations:
                    continue
                field = resolve_field(model, name)
                if field is None:
                    error(
                        f"column {column.label!r}: {name!r} is not a field of "
                        f"{model.__name__} nor a declared annotation.",
                        "ledger.E101",
                        hint="Fix the path, or add the name to the declaration's annotations.",
                    )
                elif path == column.field and not kind_fits(column.kind, field):
                    error(
                        f"column {column.label!r}: a {column.kind} column cannot show "
                        f"{name!r} ({type(field).__name__}).",
                        "ledger.E102",
                    )
        month_field = getattr(declaration, "month_field", None)
        if month_field and not isinstance(resolve_field(model, month_field), DateField):
            error(f"month_field {month_field!r} is not a date field.", "ledger.E112")
    keys = [c.key for c in columns]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        error(f"column keys must be unique: {', '.join(repeated)}.", "ledger.E103")
    if getattr(declaration, "kind", "register") == "document":
        _check_document(declaration, error)
    if getattr(declaration, "is_form", False):
        problems += _check_against_paper(declaration, error)
    from ledger.engine import site

    if declaration.family not in site.families:
        problems.append(
            Warning(
                f"family {declaration.family!r} is not declared by any app: the form is in "
                "no menu.",
                hint="Call site.add_family(...) in the family app's registers.py.",
                obj=declaration,
                id="ledger.W101",
            )
        )
    return problems


def _check_document(document, error) -> None:
    """A document: its selector and open rule are declared, and each line table's column
    keys are unique and its totals name its columns."""
    from ledger.engine import Access, Document
    from ledger.engine.document_parts import LineTable

    kind = type(document)
    if kind.queryset is Document.queryset or kind.can_open is Access.can_open:
        error(
            "a document declares can_open(user) and queryset(user), the selector of the "
            "objects the user may open.",
            "ledger.E113",
        )
    for part in document.body:
        if not isinstance(part, LineTable):
            continue
        name = part.title or part.key or "line table"
        keys = [c.key for c in part.columns]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            error(f"{name}: column keys must be unique: {', '.join(repeated)}.", "ledger.E103")
        unknown = [key for key in part.totals if key not in keys]
        if unknown:
            error(f"{name}: the totals {unknown} name no column of the table.", "ledger.E114")


def _check_against_paper(declaration, error) -> list[CheckMessage]:
    from ledger.catalog import normalise, paper_forms

    form = paper_forms().get(declaration.code)
    if form is None:
        error("no such form in forms.json.", "ledger.E104", hint="Check the 表 code.")
        return []
    if normalise(declaration.title) != normalise(form.title):
        error(f"the title on paper is {form.title!r}.", "ledger.E105")
    kind = getattr(declaration, "kind", "register")
    if kind != form.kind:
        error(f"declared as a {kind}, but the paper form is a {form.kind}.", "ledger.E106")
    if str(declaration.family) != form.family:
        error(
            f"declared in family {declaration.family!r}, forms.json says {form.family!r}.",
            "ledger.E111",
        )
    labels = paper_labels(declaration)
    expected = {
        "columns": (form.columns, "ledger.E107", "column"),
        "header": (form.header, "ledger.E108", "header field"),
        "footer": (form.footer, "ledger.E109", "footer"),
    }
    for part, (paper, id_, name) in expected.items():
        if part not in labels:
            continue
        declared = [normalise(label) for label in labels[part]]
        if declared != [normalise(label) for label in paper]:
            error(f"{name} labels {list(labels[part])} differ from the paper's {list(paper)}.", id_)
    if "groups" in labels and dict(labels["groups"]) != form.groups:
        error(
            f"groups {dict(labels['groups'])} differ from the paper's {form.groups}.", "ledger.E110"
        )
    return []


def paper_labels(declaration) -> dict:
    """What the declaration prints, in the terms of forms.json: ``columns`` (a group
    label before its sub-columns), ``header``, ``footer`` and ``groups``. A declaration
    with another layout (a document) gives its own ``paper_labels()``."""
    own = getattr(declaration, "paper_labels", None)
    if callable(own):
        return own()
    columns, groups, previous = [], {}, None
    for column in getattr(declaration, "columns", ()):
        if column.field == ROW_LABEL:
            continue  # prints 计划 / 实际 in the body (forms.json's row_labels)
        group = column.group
        if group and group != previous:
            columns.append(group)
            groups[group] = groups.get(group, 0)
        if group:
            groups[group] += 1
        columns.append(column.label)
        previous = group
    return {
        "columns": columns,
        "groups": groups,
        "header": [h.label for h in getattr(declaration, "header_fields", ())],
        "footer": list(getattr(declaration, "footer", ())),
    }


def resolve_field(model, path: str):
    """The model field at the end of an ORM path (``owner__username``), or None."""
    current, field = model, None
    for part in path.split("__"):
        if current is None:
            return None
        if part == "pk":
            field = current._meta.pk
        else:
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                return None
        current = field.related_model if field.is_relation else None
    return field


def kind_fits(kind: Kind, field) -> bool:
    """Whether a column of ``kind`` can show ``field``: a date column over a date or a
    moment (printed as the local date), a number column over a number; text fits all."""
    if kind in DATE_KINDS:
        return isinstance(field, DateField)
    if kind in NUMERIC_KINDS:
        if field.is_relation:
            return False
        return isinstance(field, IntegerField | DecimalField | FloatField | AutoField)
    return True
