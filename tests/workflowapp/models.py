"""A proposal: draft → submitted → approved, or returned to its owner and submitted again."""

from django.conf import settings
from django.db import models

from ledger.workflow import Transition, Workflow
from tests.workflowapp import rules

# What the approval's effect did, in order (the tests read it).
APPROVED_NOTICES: list[tuple[int, str]] = []


def notify_owner(proposal, change) -> None:
    APPROVED_NOTICES.append((proposal.pk, change.to_state))


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已批准"
        RETURNED = "returned", "已退回"

    title = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    workflow = Workflow(
        states=Status,
        transitions=[
            Transition(
                "submit",
                "提交",
                source=[Status.DRAFT, Status.RETURNED],
                target=Status.SUBMITTED,
                allowed=rules.may_submit,
            ),
            Transition(
                "approve",
                "批准",
                source=Status.SUBMITTED,
                target=Status.APPROVED,
                allowed=rules.may_review,
                effects=[notify_owner],
            ),
            Transition(
                "return",
                "退回",
                source=Status.SUBMITTED,
                target=Status.RETURNED,
                allowed=rules.may_review,
                note_required=True,
            ),
        ],
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/proposals/{self.pk}/"
