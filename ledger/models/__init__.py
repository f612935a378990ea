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
from ledger.models.exports import ExportJob, ExportKind, ExportStatus, MonthClose
from ledger.models.generations import DataGeneration
from ledger.models.integrity import HistoryChain, HistoryFieldSet, HistorySeal
from ledger.models.numbering import NumberCounter
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
    "DataGeneration",
    "EventKind",
    "ExportJob",
    "ExportKind",
    "ExportStatus",
    "FindingStatus",
    "FormSubmission",
    "HistoryChain",
    "HistoryFieldSet",
    "HistorySeal",
    "LedgerConfirmation",
    "LedgerReview",
    "MonthClose",
    "NumberCounter",
    "Product",
    "ReviewFinding",
    "ServiceKind",
    "ServiceRecord",
    "StatusChange",
]
