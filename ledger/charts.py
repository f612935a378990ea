"""Chart options for the dashboards, drawn in the browser by Apache ECharts.

The library is served from the app's own static files (``static/vendor/echarts``). A page
puts ``data-chart="{{ option }}"`` on an element with class ``chart`` and loads
``vendor/echarts/echarts.min.js`` then ``js/charts.js``; every chart has a table beside it
with the same figures and a link to the register behind it, so nothing depends on the
picture alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def chart_option(option: dict) -> str:
    """The option as JSON for a ``data-chart`` attribute (the template escapes it)."""
    return json.dumps(option, cls=_Encoder, ensure_ascii=False)


def bar_chart(
    categories: Sequence[str], series: dict[str, Sequence], *, stacked: bool = False
) -> str:
    """A bar chart: one bar per category for each named series."""
    return chart_option(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 48, "right": 16, "top": 32, "bottom": 32, "containLabel": True},
            "xAxis": {"type": "category", "data": list(categories)},
            "yAxis": {"type": "value"},
            "series": [
                {"name": name, "type": "bar", "data": list(values)}
                | ({"stack": "total"} if stacked else {})
                for name, values in series.items()
            ],
        }
    )


def line_chart(categories: Sequence[str], series: dict[str, Sequence]) -> str:
    """A line chart: one line per named series over the categories (e.g. months)."""
    return chart_option(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 48, "right": 16, "top": 32, "bottom": 32, "containLabel": True},
            "xAxis": {"type": "category", "data": list(categories)},
            "yAxis": {"type": "value"},
            "series": [
                {"name": name, "type": "line", "data": list(values)}
                for name, values in series.items()
            ],
        }
    )


def pie_chart(slices: Sequence[tuple[str, float]]) -> str:
    """A pie chart of (label, value) slices."""
    return chart_option(
        {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0},
            "series": [
                {
                    "type": "pie",
                    "radius": ["35%", "65%"],
                    "data": [{"name": label, "value": value} for label, value in slices],
                }
            ],
        }
    )
