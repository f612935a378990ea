"""Forms of the supervision pages; their choices come from the selectors."""

from __future__ import annotations

import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from ledger.engine.base import RegisterContext, site
from ledger.engine.columns import Kind
from ledger.engine.periods import PeriodKind, parse_period
from ledger.engine.query import parse_month, run_query
from ledger.models import AccessKind
from ledger.models.limits import LONG_TEXT_MAX_LENGTH
from ledger.supervision.selectors import review_subject_choices, reviewable_registers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A finding's record is chosen from the register's rows of the period, the first so many.
RECORD_CHOICES_MAX = 300


class ReviewForm(forms.Form):
    register_code = forms.ChoiceField(label=_("register"))
    period = forms.CharField(
        label=_("period"),
        required=False,
        max_length=20,
        help_text=_("As the register names it: 2026-11 (month), 2026 (year); empty for all."),
    )
    subject = forms.ModelChoiceField(
        label=_("salesperson reviewed"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to review the whole register."),
    )
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=DATE)
    checked = forms.CharField(
        label=_("what was checked"), max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea
    )
    conclusion = forms.CharField(
        label=_("findings"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["register_code"].choices = [
            (r.code, f"{r.code_label} {r.title}".strip()) for r in reviewable_registers(user)
        ]
        self.fields["subject"].queryset = review_subject_choices(user)
        self.fields["reviewed_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        register = site.get(data.get("register_code") or "")
        period = (data.get("period") or "").strip()
        if register is not None and period:
            if register.period != PeriodKind.NONE:
                if parse_period(register.period, period) is None:
                    self.add_error("period", _("This register does not have such a period."))
            elif register.month_field:
                if parse_month(period) is None:
                    self.add_error("period", _("Enter a month as YYYY-MM, e.g. 2026-11."))
            else:
                self.add_error("period", _("This register has no period: leave it empty."))
        data["period"] = period
        if data.get("reviewed_on") and data["reviewed_on"] > timezone.localdate():
            self.add_error("reviewed_on", _("A review cannot be dated in the future."))
        return data


def record_choices(review, user) -> list[tuple[str, str]]:
    """The rows of the reviewed register and period, as the reviewer sees them."""
    register = site.get(review.register_code)
    if register is None:
        return []
    params = QueryDict(mutable=True)
    if review.period:
        params["period" if register.period != PeriodKind.NONE else "month"] = review.period
    if review.subject_id:
        params["owner"] = str(review.subject_id)
    query = run_query(register, RegisterContext(user=user, params=params))
    if not query.filters_valid:
        return []
    shown = [c for c in query.columns if c.kind != Kind.SEQ][:3]
    choices = []
    for row in query.queryset[:RECORD_CHOICES_MAX]:
        if "pk" not in row:
            break
        label = " · ".join(t for t in (c.text(row) for c in shown) if t)
        choices.append((str(row["pk"]), label[:200] or str(row["pk"])))
    return choices


class FindingForm(forms.Form):
    record = forms.ChoiceField(label=_("record"), required=False)
    description = forms.CharField(
        label=_("item to correct"), max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea
    )
    owner = forms.ModelChoiceField(
        label=_("responsible"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the owner of the record."),
    )
    due_on = forms.DateField(label=_("due date"), widget=DATE)

    def __init__(self, *args, review, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.choices = record_choices(review, user)
        self.fields["record"].choices = [("", "—"), *self.choices]
        self.fields["owner"].queryset = (
            review_subject_choices(user) | User.objects.filter(pk=user.pk)
        ).distinct()
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=7)

    def record_label(self) -> str:
        return dict(self.choices).get(self.cleaned_data.get("record") or "", "")


class CloseFindingForm(forms.Form):
    resolution = forms.CharField(
        label=_("how it was corrected"), max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("note"), max_length=LONG_TEXT_MAX_LENGTH, required=False, widget=forms.Textarea
    )


class AccessLogFilter(forms.Form):
    user = forms.ModelChoiceField(
        label=_("user"), queryset=User.objects.order_by("username"), required=False
    )
    day = forms.DateField(label=_("date"), required=False, widget=DATE)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *AccessKind.choices], required=False
    )
    customer = forms.IntegerField(label=_("customer number"), required=False, min_value=1)


class ReviewFilter(forms.Form):
    register_code = forms.ChoiceField(label=_("register"), required=False)
    period = forms.CharField(label=_("period"), required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register_code"].choices = [
            ("", "—"),
            *((r.code, f"{r.code_label} {r.title}".strip()) for r in site),
        ]
