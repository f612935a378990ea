"""The on-screen list of a register: a django-tables2 table built from the declaration."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from ledger.engine.columns import Column, Kind, header_grid
from ledger.engine.query import RegisterQuery
from ledger.engine.shapes import printed_rows

LONG_TEXT = 24


class RegisterColumn(tables.Column):
    """Renders one declared column from the row dict, exactly as Excel and PDF do."""

    empty_values = ()

    def __init__(self, column: Column, register, **kwargs):
        self.column = column
        self.register = register
        attrs = {"td": {"class": f"k-{column.kind}"}, "th": {"class": f"k-{column.kind}"}}
        super().__init__(
            verbose_name=column.label, accessor=tables.A("pk"), orderable=False, attrs=attrs
        )

    def render(self, value, record, table, bound_row):
        return self.cell(record, table, bound_row.row_counter)

    def cell(self, record, table, counter: int):
        """The cell of ``record``, the ``counter``-th row (0-based) of the page."""
        col = self.column
        if col.kind == Kind.SEQ:
            start = table.page.start_index() if getattr(table, "page", None) else 1
            return start + counter
        text = col.text(record)
        if col.link:
            url = self.register.row_url(record, table.query.context)
            if url:
                return format_html('<a href="{}">{}</a>', url, text or "—")
        if len(text) > LONG_TEXT:
            # Lists keep one line per row; the whole text is in the tooltip and the exports.
            return format_html('<span class="clip" title="{}">{}</span>', text, text)
        return text


class RegisterTable(tables.Table):
    class Meta:
        orderable = False
        template_name = "registers/table.html"
        attrs = {"class": "register-table"}

    def __init__(self, *args, query: RegisterQuery, **kwargs):
        self.query = query
        super().__init__(*args, **kwargs)

    @property
    def header_display(self) -> list[list[dict]]:
        """The header rows with a sort link on every sortable column."""
        params = self.query.context.params
        current = {
            k.lstrip("-"): ("desc" if k.startswith("-") else "asc") for k in self.query.sort_keys
        }
        rows = []
        for row in header_grid(self.query.columns):
            cells = []
            for cell in row:
                info = {
                    "label": cell.label,
                    "colspan": cell.colspan,
                    "rowspan": cell.rowspan,
                    "blank": cell.blank,
                }
                col = cell.column
                if col is not None:
                    info["kind"] = str(col.kind)
                    if col.sort_fields:
                        direction = current.get(col.key)
                        q = params.copy()
                        q.pop("page", None)
                        q["sort"] = f"-{col.key}" if direction == "asc" else col.key
                        info["sort_url"] = f"?{q.urlencode()}"
                        info["sort_dir"] = direction
                cells.append(info)
            rows.append(cells)
        return rows

    @property
    def body_rows(self) -> list[list[dict]] | None:
        """For a register with a row group: the page's entities as printed rows, shared
        cells merged down (rowspan). None for a plain register (one row per record)."""
        group = self.query.row_group
        if group is None:
            return None
        out = []
        for bound in self.paginated_rows:
            for cells in printed_rows(self.query.columns, bound.record, group):
                row = []
                for cell in cells:
                    col = cell.column
                    text = bound.get_cell(col.key) if cell.rowspan > 1 else col.text(cell.row)
                    row.append({"text": text, "kind": str(col.kind), "rowspan": cell.rowspan})
                out.append(row)
        return out

    @property
    def plain_rows(self) -> list[list[dict]]:
        """The page's rows of a plain register (one printed row per record): each cell's
        kind and content, rendered by the columns' ``cell`` directly (the page shows a few
        hundred cells; django-tables2's per-cell machinery costs more than the query)."""
        rows = self.paginated_rows
        columns = [self.columns[c.key].column for c in self.query.columns]
        out = []
        for counter, record in enumerate(getattr(rows, "data", rows)):
            out.append(
                [
                    {"kind": column.column.kind, "text": column.cell(record, self, counter)}
                    for column in columns
                ]
            )
        return out

    @property
    def totals_display(self) -> list[dict] | None:
        """The 合计 row over every filtered row (not the page), or None."""
        totals = self.query.totals_row()
        if totals is None:
            return None
        keys = set(self.query.register.totals)
        columns = list(self.query.columns)
        first = max(next((i for i, c in enumerate(columns) if c.key in keys), 1), 1)
        cells = [{"text": self.query.register.totals_label, "colspan": first, "kind": "label"}]
        for col in columns[first:]:
            text = col.text(totals) if col.key in keys else ""
            cells.append({"text": text, "colspan": 1, "kind": str(col.kind)})
        return cells


def build_table(query: RegisterQuery, empty_text: str) -> RegisterTable:
    attrs = {col.key: RegisterColumn(col, query.register) for col in query.columns}
    attrs["Meta"] = type("Meta", (RegisterTable.Meta,), {"sequence": list(attrs)})
    table_class = type(f"{query.register.__class__.__name__}Table", (RegisterTable,), attrs)
    return table_class(query.queryset, query=query, empty_text=empty_text)
