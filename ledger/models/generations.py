"""Generation counters: one number per kind of data, bumped after every committed write.

A summary computed from many rows (the home page's counts) is cached under the generation it
was computed at; any later write moves the generation on, so the next reader computes afresh.
Reading a generation is one primary-key lookup, whatever the size of the tables behind it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataGeneration(models.Model):
    key = models.CharField(_("key"), max_length=40, primary_key=True)
    value = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("data generation")
        verbose_name_plural = _("data generations")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
