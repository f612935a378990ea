from ledger.models.customers import (
    CompanySize,
    Contact,
    ContactKind,
    CreditRating,
    Customer,
    CustomerCategory,
    CustomerEvent,
    EventKind,
    ServiceKind,
    ServiceRecord,
)
from ledger.models.products import Product
from ledger.models.submissions import FormSubmission
from ledger.models.supervision import (
    AccessKind,
    AccessLog,
    FindingStatus,
    LedgerConfirmation,
    LedgerReview,
    ReviewFinding,
)
from ledger.models.workflow import StatusChange

__all__ = [
    "AccessKind",
    "AccessLog",
    "CompanySize",
    "Contact",
    "ContactKind",
    "CreditRating",
    "Customer",
    "CustomerCategory",
    "CustomerEvent",
    "EventKind",
    "FindingStatus",
    "FormSubmission",
    "LedgerConfirmation",
    "LedgerReview",
    "Product",
    "ReviewFinding",
    "ServiceKind",
    "ServiceRecord",
    "StatusChange",
]
