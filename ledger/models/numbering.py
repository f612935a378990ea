"""The gapless document numbers (编号) of every family: one counter row per series and year.

A series is the prefix printed before the year (订货单 ``DD``, 合同 ``HT``, 档案编号 ``GD``,
拜访报告 ``BF`` …); ``last`` is the last number given in that year. The rows are written only
by ``ledger.numbering.next_number``, inside the transaction that creates the numbered record.
"""

from django.db import models


class NumberCounter(models.Model):
    """The last number given in one series and one year; locked while a number is allocated,
    so numbers are gapless and distinct under concurrent creations (a rolled-back creation
    gives its number back with the rest of its transaction)."""

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="numbercounter_series_year"),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last}"
