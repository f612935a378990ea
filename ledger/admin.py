from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin as BaseHistoryAdmin

from ledger.models import Contact, Customer, CustomerEvent, Product, ServiceRecord, StatusChange

admin.site.site_header = _("Customer ledger administration")
admin.site.site_title = _("Customer ledger")
admin.site.index_title = _("Administration")


class ReadOnlyAdmin:
    """The ledger's records are read here, written in the application: there every change
    goes through the services (permissions, duplicate check, versions, history reasons)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _valid_id(field, value) -> None:
    """404 unless ``value`` is a valid value of ``field`` (django-simple-history's pages
    would answer ``/admin/…/abc/history/`` with a 500)."""
    try:
        field.to_python(unquote(value))
    except (ValidationError, ValueError, TypeError):
        raise Http404("no such record") from None


class SimpleHistoryAdmin(BaseHistoryAdmin):
    """django-simple-history's admin, with junk ids in its URLs answered by a 404."""

    def history_view(self, request, object_id, extra_context=None):
        _valid_id(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _valid_id(self.model._meta.pk, object_id)
        _valid_id(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


class ContactInline(ReadOnlyAdmin, admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("name", "category", "owner", "last_contact_on", "updated_at")
    list_filter = ("category", "credit_rating", "owner__department")
    search_fields = ("name", "person_name", "phone")
    raw_id_fields = ("owner",)
    readonly_fields = ("last_contact_on", "version", "created_by", "created_at", "updated_at")
    inlines = [ContactInline]


@admin.register(CustomerEvent)
class CustomerEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("occurred_on", "customer", "kind", "title")
    list_filter = ("kind",)
    search_fields = ("title", "customer__name")
    raw_id_fields = ("customer",)
    date_hierarchy = "occurred_on"


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("received_on", "customer", "kind", "client_name", "handler", "handled_on")
    list_filter = ("kind",)
    search_fields = ("customer__name", "client_name", "content")
    raw_id_fields = ("customer",)


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name", "spec", "wholesale_price", "retail_price", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Every workflow's trail; written only by ``ledger.workflow.transition``."""

    list_display = (
        "changed_at",
        "content_type",
        "object_id",
        "transition",
        "from_state",
        "to_state",
        "actor",
    )
    list_filter = ("content_type", "transition", "to_state")
    list_select_related = ("content_type", "actor")
    search_fields = ("note", "actor__username", "actor__full_name")
    raw_id_fields = ("actor",)
    date_hierarchy = "changed_at"


# The task runner's own admin (django-tasks-db) is in English and shows raw task rows; the
# export jobs and their failures are on 我的导出 (admins: every user's).
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
