from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ledger.engine import site
from ledger.supervision import views as supervision
from ledger.views import customers, documents, exports, home, products, registers
from ledger.views.inbox import inbox


def family_urlpatterns() -> list:
    """Each family app's own ``urls.py``, mounted at the prefix its ``registers.py``
    declares: the families bring their URLs, ``ledger`` does not name them."""
    patterns = []
    for spec in site.ordered_families():
        if spec.url_prefix and find_spec(f"{spec.app}.urls") is not None:
            patterns.append(path(f"{spec.url_prefix}/", include(f"{spec.app}.urls")))
    return patterns


urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("inbox/", inbox, name="inbox"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Registers: the four faces of every 表 (stable URLs).
    path("registers/", registers.RegisterIndexView.as_view(), name="register-index"),
    path(
        "registers/monthly.xlsx", registers.MonthlyWorkbookView.as_view(), name="register-monthly"
    ),
    path("registers/<str:code>/", registers.RegisterListView.as_view(), name="register-list"),
    path(
        "registers/<str:code>/export.xlsx",
        registers.RegisterExportView.as_view(),
        name="register-export",
    ),
    path(
        "registers/<str:code>/print.pdf",
        registers.RegisterPrintView.as_view(),
        name="register-print",
    ),
    path("exports/", registers.ExportCenterView.as_view(), name="exports"),
    # Background exports (我的导出) and the monthly close (月结).
    path("exports/jobs/", exports.export_jobs, name="export-jobs"),
    path("exports/jobs/<int:pk>/", exports.export_job, name="export-job"),
    path(
        "exports/jobs/<int:pk>/progress/", exports.export_job_progress, name="export-job-progress"
    ),
    path(
        "exports/jobs/<int:pk>/download/", exports.export_job_download, name="export-job-download"
    ),
    path("exports/jobs/<int:pk>/cancel/", exports.export_job_cancel_view, name="export-job-cancel"),
    path("exports/jobs/<int:pk>/retry/", exports.export_job_retry_view, name="export-job-retry"),
    path("exports/months/", exports.MonthCloseView.as_view(), name="month-closes"),
    path(
        "exports/months/<str:month>.xlsx",
        exports.month_close_download,
        name="month-close-download",
    ),
    # Documents: one record printed as its own form (stable URLs).
    path("forms/<str:code>/", documents.DocumentListView.as_view(), name="document-list"),
    path("forms/<str:code>/<str:pk>.pdf", documents.document_pdf, name="document-pdf"),
    path("forms/<str:code>/<str:pk>.xlsx", documents.document_xlsx, name="document-xlsx"),
    # The customer registry.
    path("customers/", customers.customer_list_redirect, name="customer-list"),
    path("customers/new/", customers.CustomerCreateView.as_view(), name="customer-create"),
    path("customers/duplicates/", customers.customer_duplicates_view, name="customer-duplicates"),
    path("customers/handover/", customers.HandoverView.as_view(), name="customer-handover"),
    path("customers/<int:pk>/", customers.CustomerDetailView.as_view(), name="customer-detail"),
    path("customers/<int:pk>/edit/", customers.CustomerUpdateView.as_view(), name="customer-edit"),
    path(
        "customers/<int:pk>/delete/", customers.CustomerDeleteView.as_view(), name="customer-delete"
    ),
    path("customers/<int:pk>/print.pdf", customers.customer_pdf, name="customer-pdf"),
    path("customers/<int:pk>/export.xlsx", customers.customer_xlsx, name="customer-xlsx"),
    path(
        "customers/<int:pk>/contacts/new/",
        customers.ContactCreateView.as_view(),
        name="contact-create",
    ),
    path("contacts/<int:pk>/edit/", customers.ContactUpdateView.as_view(), name="contact-edit"),
    path("contacts/<int:pk>/delete/", customers.ContactDeleteView.as_view(), name="contact-delete"),
    path(
        "customers/<int:pk>/events/new/", customers.EventCreateView.as_view(), name="event-create"
    ),
    path(
        "customers/<int:pk>/service/new/",
        customers.ServiceRecordCreateView.as_view(),
        name="service-record-create",
    ),
    path(
        "service/<int:pk>/edit/",
        customers.ServiceRecordUpdateView.as_view(),
        name="service-record-edit",
    ),
    # The product master (表5-7).
    path("products/new/", products.ProductFormView.as_view(), name="product-create"),
    path("products/<int:pk>/edit/", products.ProductFormView.as_view(), name="product-edit"),
    path("products/<int:pk>/delete/", products.ProductDeleteView.as_view(), name="product-delete"),
    # Supervision: reviews (台账审核), the monthly 梳理, the access log.
    path("supervision/reviews/", supervision.review_list, name="review-list"),
    path("supervision/reviews/new/", supervision.ReviewCreateView.as_view(), name="review-create"),
    path("supervision/reviews/<int:pk>/", supervision.review_detail, name="review-detail"),
    path(
        "supervision/reviews/<int:pk>/findings/new/",
        supervision.FindingCreateView.as_view(),
        name="finding-create",
    ),
    path("supervision/findings/", supervision.finding_list, name="finding-list"),
    path(
        "supervision/findings/<int:pk>/close/",
        supervision.FindingCloseView.as_view(),
        name="finding-close",
    ),
    path("supervision/due/", supervision.review_due, name="review-due"),
    path("supervision/tidy/", supervision.TidyView.as_view(), name="ledger-tidy"),
    path("supervision/access/", supervision.access_log, name="access-log"),
    *family_urlpatterns(),
]
