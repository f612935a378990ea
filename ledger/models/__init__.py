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
from ledger.models.integrity import HistoryChain, HistoryFieldSet, HistorySeal
from ledger.models.products import Product
from ledger.models.submissions import FormSubmission
from ledger.models.workflow import StatusChange

__all__ = [
    "CompanySize",
    "Contact",
    "ContactKind",
    "CreditRating",
    "Customer",
    "CustomerCategory",
    "CustomerEvent",
    "EventKind",
    "FormSubmission",
    "HistoryChain",
    "HistoryFieldSet",
    "HistorySeal",
    "Product",
    "ServiceKind",
    "ServiceRecord",
    "StatusChange",
]
