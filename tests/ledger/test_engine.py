"""The register engine's pure parts: columns, header grid, ordering, months, Excel safety."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ledger.engine import Column, Kind, Register, RegisterSite
from ledger.engine.columns import format_value, header_grid
from ledger.engine.excel import clean_text, safe_sheet_title
from ledger.engine.query import month_filter, ordering_from, parse_month
from ledger.models import Product, ServiceRecord

COLS_57 = [
    Column("产品编号", "code"),
    Column("产品名称", "name"),
    Column("规格", "spec"),
    Column("色泽", "color"),
    Column("批发", "wholesale_price", kind=Kind.MONEY, group="单价"),
    Column("零售", "retail_price", kind=Kind.MONEY, group="单价"),
    Column("包装方式", "packaging"),
    Column("正常利润率", "normal_margin", kind=Kind.PERCENT),
    Column("历年销售量", "historical_sales", kind=Kind.DECIMAL),
    Column("备注", "remarks"),
]


def test_header_grid_without_groups_is_one_row():
    grid = header_grid(COLS_57[:4])
    assert len(grid) == 1
    assert [c.label for c in grid[0]] == ["产品编号", "产品名称", "规格", "色泽"]


def test_header_grid_puts_the_group_over_its_sub_columns():
    grid = header_grid(COLS_57)
    assert len(grid) == 2
    group = next(c for c in grid[0] if c.label == "单价")
    assert (group.col, group.colspan, group.rowspan) == (4, 2, 1)
    assert [c.label for c in grid[1]] == ["批发", "零售"]
    # Every plain column spans both rows, before and after the group: no staircase.
    plain = [c for c in grid[0] if c.column is not None]
    assert [c.label for c in plain] == [c.label for c in COLS_57 if c.group is None]
    assert {c.rowspan for c in plain} == {2}


def test_header_grid_with_several_groups_is_two_rows():
    labels = [
        ("姓名", None),
        ("薪津", "个人费用"),
        ("旅费", "个人费用"),
        ("部门分摊", None),
        ("应收", "收款记录"),
        ("实收", "收款记录"),
        ("绩效", None),
    ]
    cols = [Column(label, f"f{i}", group=group) for i, (label, group) in enumerate(labels)]
    grid = header_grid(cols)
    assert len(grid) == 2
    assert [(c.label, c.col, c.colspan, c.rowspan) for c in grid[0]] == [
        ("姓名", 0, 1, 2),
        ("个人费用", 1, 2, 1),
        ("部门分摊", 3, 1, 2),
        ("收款记录", 4, 2, 1),
        ("绩效", 6, 1, 2),
    ]
    assert [(c.label, c.col) for c in grid[1]] == [
        ("薪津", 1),
        ("旅费", 2),
        ("应收", 4),
        ("实收", 5),
    ]
    # Every column is covered exactly once on every row of the grid.
    for r in range(2):
        covered = []
        for row in grid:
            for cell in row:
                if cell.row <= r < cell.row + cell.rowspan:
                    covered += range(cell.col, cell.col + cell.colspan)
        assert sorted(covered) == list(range(len(cols)))


@pytest.mark.parametrize(
    "value, kind, text",
    [
        (Decimal("1234.5"), Kind.MONEY, "1,234.50"),
        (Decimal("12.5"), Kind.PERCENT, "12.50%"),
        (Decimal("1200.00"), Kind.DECIMAL, "1,200"),
        (Decimal("2.50"), Kind.DECIMAL, "2.50"),
        (Decimal("1234567.125"), Kind.DECIMAL, "1,234,567.125"),
        (1234567, Kind.INT, "1,234,567"),
        (0, Kind.INT, "0"),
        (datetime.date(2026, 11, 3), Kind.DATE, "2026-11-03"),
        (None, Kind.TEXT, ""),
        ("文本", Kind.TEXT, "文本"),
    ],
)
def test_format_value(value, kind, text):
    assert format_value(value, kind) == text


def test_column_shows_choice_labels_and_types_values():
    col = Column("类型", "kind", choices={"complaint": "投诉"})
    assert col.typed({"kind": "complaint"}) == "投诉"
    money = Column("批发", "price", kind=Kind.MONEY)
    assert money.typed({"price": Decimal("3.20")}) == Decimal("3.20")
    assert money.typed({"price": None}) is None


def test_datetime_columns_are_local_wall_clock_time():
    col = Column("时间", "at", kind=Kind.DATETIME)
    utc = datetime.datetime(2026, 11, 30, 17, 30, tzinfo=datetime.UTC)
    assert col.typed({"at": utc}) == datetime.datetime(2026, 12, 1, 1, 30)


def test_a_column_needs_a_source():
    with pytest.raises(ValueError):
        Column("空")


def test_ordering_accepts_known_keys_only():
    cols = [Column("名称", "name"), Column("负责人", "owner_name", order_by="owner__username")]
    assert ordering_from("-owner_name,name", cols) == (
        ["-owner__username", "name"],
        ["-owner_name", "name"],
    )
    assert ordering_from("password,-;drop", cols) == ([], [])
    assert ordering_from(None, cols) == ([], [])


@pytest.mark.parametrize(
    "value", ["2026-13", "2026-1", "abcd-ef", "", None, "2026-11-01", "0000-01"]
)
def test_parse_month_rejects_bad_input(value):
    assert parse_month(value) is None


def test_parse_month_and_december():
    assert parse_month("2026-12") == (datetime.date(2026, 12, 1), datetime.date(2027, 1, 1))


def test_month_filter_on_dates_and_datetimes():
    assert month_filter(ServiceRecord, "received_on", "2026-11") == {
        "received_on__gte": datetime.date(2026, 11, 1),
        "received_on__lt": datetime.date(2026, 12, 1),
    }
    lookups = month_filter(Product, "created_at", "2026-11")
    start = lookups["created_at__gte"]
    assert timezone.is_aware(start)
    # Midnight in Shanghai is 16:00 UTC the day before.
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2026, 10, 31, 16, 0, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize(
    "title, expected",
    [
        ("表5-7 产品记录表", "表5-7 产品记录表"),
        ("a/b\\c?d*e[f]g:h", "a b c d e f g h"),
        ("'quoted'", "quoted"),
        ("", "Sheet_"),
        ("History", "History_"),
        ("很长" * 30, ("很长" * 30)[:31]),
    ],
)
def test_safe_sheet_title(title, expected):
    assert safe_sheet_title(title) == expected


def test_safe_sheet_title_is_unique_in_the_book():
    assert safe_sheet_title("客户台账", ["客户台账"]) == "客户台账 (2)"
    assert safe_sheet_title("ABC", ["abc", "ABC (2)"]) == "ABC (3)"
    long = "长" * 40
    name = safe_sheet_title(long, [long[:31]])
    assert len(name) <= 31 and name.endswith("(2)")


def test_clean_text_removes_control_characters():
    assert clean_text("a\x00b\x07c\x1fd\te\nf") == "abcd\te\nf"


def test_register_site_refuses_duplicates():
    site = RegisterSite()

    class One(Register):
        code = "x-1"
        title = "甲"
        model = Product
        columns = (Column("产品编号", "code"),)

    site.register(One)
    with pytest.raises(ImproperlyConfigured):
        site.register(One)


def test_the_screen_header_is_the_paper_header():
    """The list draws the same two rows as the sheet and the PDF."""
    grid = header_grid(COLS_57)
    assert [c.label for c in grid[0]] == [
        "产品编号",
        "产品名称",
        "规格",
        "色泽",
        "单价",
        "包装方式",
        "正常利润率",
        "历年销售量",
        "备注",
    ]
    assert all(c.rowspan == 2 for c in grid[0] if c.column is not None)
    assert [c.label for c in grid[1]] == ["批发", "零售"]
