"""待我处理 of the contract family, in two sections of one query each: the contracts
waiting for the user (boxes to sign, returned, to seal, overdue reviews) and the change
requests (to check or approve, notices to sign)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import selectors
from contracts.models import ChangeStatus, ContractStatus
from ledger.workflow import InboxProvider, inbox


@inbox.register
class ContractInbox(InboxProvider):
    key = "contracts.review"
    label = gettext_lazy("Contracts waiting for you (5-14)")

    def waiting_for(self, user):
        return selectors.contracts_waiting_for(user)

    def url(self, obj):
        if obj.status == ContractStatus.IN_REVIEW:
            return reverse("contracts:contract-review", args=[obj.pk])
        return obj.get_absolute_url()

    def detail(self, obj):
        parts = [obj.customer.name, str(obj.owner)]
        deadline = getattr(obj, "review_deadline", None)
        if obj.status == ContractStatus.IN_REVIEW and deadline:
            if deadline < timezone.localdate():
                parts.append(_("review overdue since %(date)s") % {"date": deadline.isoformat()})
            else:
                parts.append(_("review deadline %(date)s") % {"date": deadline.isoformat()})
        elif obj.status == ContractStatus.RETURNED:
            parts.append(_("returned: correct and resubmit"))
        elif obj.status == ContractStatus.APPROVED:
            parts.append(_("review passed: to seal"))
        return " · ".join(parts)


@inbox.register
class ChangeInbox(InboxProvider):
    key = "contracts.change"
    label = gettext_lazy("Contract changes and notices (5-15, 5-16)")

    def waiting_for(self, user):
        return selectors.change_items_waiting_for(user)

    def title(self, obj):
        return f"{obj.number} {obj.contract.number}"

    def detail(self, obj):
        what = {
            ChangeStatus.DRAFT: _("to check (审核)"),
            ChangeStatus.CHECKED: _("to approve (批准)"),
            ChangeStatus.APPROVED: _("change notice to sign"),
        }.get(obj.status, "")
        return f"{obj.contract.customer.name} · {what}"

    def url(self, obj):
        suffix = "#notices" if obj.status == ChangeStatus.APPROVED else ""
        return obj.get_absolute_url() + suffix
