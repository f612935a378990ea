"""待我处理 of the supervision: items to correct for their owner, users over the daily
access threshold for admins."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from ledger.models import ReviewFinding
from ledger.supervision import selectors as sel
from ledger.workflow.inbox import PAGE_LIMIT, InboxItem, InboxProvider, inbox


@inbox.register
class FindingInbox(InboxProvider):
    """Items a review assigned to the user, the earliest due first."""

    key = "supervision.findings"
    label = gettext_lazy("Items to correct")

    def waiting_for(self, user: User):
        return sel.findings_waiting_for(user)

    def count_for(self, user: User) -> int:
        # Items go to owners of records and to reviewers: other roles never have any,
        # and their badge costs no query.
        if not sel.may_own_findings(user):
            return 0
        return super().count_for(user)

    def items_for(self, user: User, *, limit: int = PAGE_LIMIT) -> list[InboxItem]:
        rows = self.waiting_for(user).select_related("review").order_by("due_on", "pk")
        return [self.item(f) for f in rows[:limit]]

    def item(self, finding: ReviewFinding) -> InboxItem:
        return InboxItem(
            title=finding.record_label or finding.description[:40],
            url=finding.get_absolute_url(),
            state=_("due %(date)s") % {"date": f"{finding.due_on:%Y-%m-%d}"},
            since=None,
            detail=finding.description[:60],
        )


@inbox.register
class AccessFlagInbox(InboxProvider):
    """For admins: users who read more customers' details in a day than the threshold,
    in the last 7 days (one aggregate query per request, shared with the access-log page;
    at most ``FLAGGED_SHOWN`` are counted)."""

    key = "supervision.access"
    label = gettext_lazy("Unusual access to customer data")

    def count_for(self, user: User) -> int:
        if not (user.is_active and user.is_admin):
            return 0
        return len(sel.flagged_for(user))

    def items_for(self, user: User, *, limit: int = PAGE_LIMIT) -> list[InboxItem]:
        if not (user.is_active and user.is_admin):
            return []
        url = reverse("access-log")
        return [
            InboxItem(
                title=sel.display_name(row),
                url=f"{url}?user={row['user_id']}&day={row['day']:%Y-%m-%d}",
                state=_("%(count)s customers") % {"count": row["total"]},
                since=None,
                detail=f"{row['day']:%Y-%m-%d}",
            )
            for row in sel.flagged_for(user)[:limit]
        ]
