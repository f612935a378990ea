"""Chart options are JSON the browser can parse, with numbers as numbers."""

import json
from decimal import Decimal

from ledger.charts import bar_chart, line_chart, pie_chart


def test_bar_chart_keeps_decimals_as_numbers_and_labels_as_text():
    option = json.loads(bar_chart(["一月", "二月"], {"计划": [Decimal("1.50"), 2]}))
    assert option["xAxis"]["data"] == ["一月", "二月"]
    assert option["series"] == [{"name": "计划", "type": "bar", "data": [1.5, 2]}]


def test_stacked_bars_and_lines_and_pies():
    stacked = json.loads(bar_chart(["a"], {"x": [1], "y": [2]}, stacked=True))
    assert [s["stack"] for s in stacked["series"]] == ["total", "total"]
    assert json.loads(line_chart(["1"], {"实际": [3]}))["series"][0]["type"] == "line"
    pie = json.loads(pie_chart([("30天内", 4)]))
    assert pie["series"][0]["data"] == [{"name": "30天内", "value": 4}]
