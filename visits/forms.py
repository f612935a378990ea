"""The forms of the visit pages. Choices come from the visit selectors; the services
decide what may be saved."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import Contact, Customer
from visits.models import ScheduleKind
from visits.selectors import contacts_of, reportable_customers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlanForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    contact = forms.ModelChoiceField(
        label=_("person to visit"), queryset=Contact.objects.none(), required=False
    )

    def __init__(self, *args, user, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = reportable_customers(user)
        self.fields["contact"].queryset = Contact.objects.filter(
            customer__in=reportable_customers(user)
        ).select_related("customer")
        self.fields["contact"].label_from_instance = lambda c: f"{c.customer.name}：{c.name}"
        for m in range(1, 13):
            self.fields[f"m{m}"] = forms.IntegerField(
                label=_("Month %(month)d") % {"month": m},
                min_value=0,
                max_value=31,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        if plan is not None:
            self.fields["customer"].disabled = True
            self.fields["year"].disabled = True


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("schedule type"), choices=ScheduleKind.choices)
    day = forms.DateField(label=_("date"), widget=DATE)


class PlannedVisitForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    visit_on = forms.DateField(label=_("visit date"), widget=DATE)
    visit_at = forms.TimeField(label=_("expected time"), widget=TIME, required=False)
    purpose = forms.CharField(label=_("purpose of visit"), max_length=200)
    contact = forms.ModelChoiceField(
        label=_("contact"), queryset=Contact.objects.none(), required=False
    )
    remarks = forms.CharField(label=_("remarks"), max_length=2000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = reportable_customers(user)
        self.fields["contact"].queryset = Contact.objects.filter(
            customer__in=reportable_customers(user)
        ).select_related("customer")
        self.fields["contact"].label_from_instance = lambda c: f"{c.customer.name}：{c.name}"


class ReportForm(forms.Form):
    """表5-29 on a phone: the visit, whom (a contact or a new one), what, what next."""

    purpose = forms.CharField(label="拜访目的", max_length=200)
    started_at = forms.DateTimeField(label=_("Visit started"), widget=DATETIME)
    ended_at = forms.DateTimeField(label=_("Visit ended"), widget=DATETIME)
    contact = forms.ModelChoiceField(
        label="接洽人", queryset=Contact.objects.none(), required=False
    )
    new_contact_name = forms.CharField(
        label=_("Or a new contact: name"), max_length=60, required=False
    )
    new_contact_title = forms.CharField(label=_("job title"), max_length=60, required=False)
    new_contact_phone = forms.CharField(label=_("phone number"), max_length=40, required=False)
    contact_info = forms.CharField(label="联系方式", max_length=100, required=False)
    record = forms.CharField(label="客户拜访记录", widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(
        label="问题点及改善对策", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    actions = forms.CharField(
        label="后续行动", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    FOLLOW_UPS = 3

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts_of(customer)
        for i in range(1, self.FOLLOW_UPS + 1):
            self.fields[f"follow_up_{i}"] = forms.CharField(
                label=_("Follow-up %(n)d") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"due_{i}"] = forms.DateField(
                label=_("Due date %(n)d") % {"n": i}, widget=DATE, required=False
            )

    def clean(self):
        data = super().clean()
        for i in range(1, self.FOLLOW_UPS + 1):
            action, due = data.get(f"follow_up_{i}"), data.get(f"due_{i}")
            if action and not due:
                self.add_error(f"due_{i}", _("Give the follow-up a due date."))
            if due and not action:
                self.add_error(f"follow_up_{i}", _("Say what is to be done by that date."))
        return data

    def follow_up_items(self):
        from visits.services.reports import FollowUpItem

        items = []
        for i in range(1, self.FOLLOW_UPS + 1):
            action = self.cleaned_data.get(f"follow_up_{i}")
            if action:
                items.append(FollowUpItem(action, self.cleaned_data[f"due_{i}"]))
        return items

    def new_contact(self):
        return {
            "name": self.cleaned_data.get("new_contact_name", "").strip(),
            "title": self.cleaned_data.get("new_contact_title", ""),
            "phone": self.cleaned_data.get("new_contact_phone", ""),
        }


class SignForm(forms.Form):
    manager_comment = forms.CharField(
        label=_("Comment of the sales manager"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DailyLineForm(forms.Form):
    customer_text = forms.CharField(label="访问客户", max_length=120, required=False)
    time_text = forms.CharField(label="访问时间", max_length=40, required=False)
    purpose = forms.CharField(label=_("Work done"), max_length=200)
    result = forms.CharField(label="结果", max_length=2000, required=False)
    remarks = forms.CharField(label="备注", max_length=2000, required=False)


def default_times(planned=None) -> tuple[datetime.datetime, datetime.datetime]:
    """A report's default start and end: the planned time if it has passed, else the last
    hour."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    if planned is not None and planned.visit_at is not None:
        start = timezone.make_aware(datetime.datetime.combine(planned.visit_on, planned.visit_at))
        if start <= now:
            return start, min(start + datetime.timedelta(hours=1), now)
    return now - datetime.timedelta(hours=1), now
