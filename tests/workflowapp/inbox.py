from ledger.workflow import InboxProvider, inbox
from tests.workflowapp.rules import proposals_waiting_for


@inbox.register
class ProposalInbox(InboxProvider):
    key = "workflowapp.proposal"
    label = "测试申请"

    def waiting_for(self, user):
        return proposals_waiting_for(user)

    def detail(self, obj):
        return str(obj.owner)
