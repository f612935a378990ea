"""待我处理 of the contract family: boxes to sign, returned contracts, contracts to seal,
overdue reviews, changes to check or approve, change notices to sign."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts import selectors
from ledger.workflow import InboxProvider, inbox


class _ContractItems(InboxProvider):
    def detail(self, obj):
        return f"{obj.customer.name} · {obj.owner}"


@inbox.register
class ReviewInbox(_ContractItems):
    key = "contracts.review"
    label = _("Contract reviews to sign (5-14)")

    def waiting_for(self, user):
        return selectors.contracts_waiting_for_review_by(user)

    def url(self, obj):
        return reverse("contracts:contract-review", args=[obj.pk])


@inbox.register
class OverdueInbox(_ContractItems):
    key = "contracts.overdue"
    label = _("Contract reviews past their deadline")

    def waiting_for(self, user):
        return selectors.overdue_contracts_for(user)

    def url(self, obj):
        return reverse("contracts:contract-review", args=[obj.pk])


@inbox.register
class ReturnedInbox(_ContractItems):
    key = "contracts.returned"
    label = _("Contracts returned to you")

    def waiting_for(self, user):
        return selectors.contracts_returned_to(user)


@inbox.register
class SealInbox(_ContractItems):
    key = "contracts.seal"
    label = _("Contracts to seal")

    def waiting_for(self, user):
        return selectors.contracts_to_seal_for(user)


@inbox.register
class ChangeInbox(InboxProvider):
    key = "contracts.change"
    label = _("Contract changes to check or approve (5-15)")

    def waiting_for(self, user):
        return selectors.changes_waiting_for(user)

    def title(self, obj):
        return f"{obj.number} {obj.contract.number}"


@inbox.register
class NoticeInbox(InboxProvider):
    key = "contracts.notice"
    label = _("Contract change notices to sign (5-16)")

    def waiting_for(self, user):
        return selectors.notices_waiting_for(user)

    def title(self, obj):
        return f"{obj.notice_number or obj.number} {obj.contract.number}"
