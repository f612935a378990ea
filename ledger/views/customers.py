"""Pages of one customer: create, read, edit, delete, its card as PDF and Excel, and the
contacts, events and service records on it. Every view fetches the customer through
``get_customer_for`` (404 for missing and forbidden alike) and writes through services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET

from ledger import submissions
from ledger.documents import CustomerCard
from ledger.engine import site
from ledger.forms import (
    ContactEditFormSet,
    ContactForm,
    ContactFormSet,
    CustomerForm,
    EventForm,
    HandoverForm,
    ServiceRecordForm,
)
from ledger.models import AccessKind, Contact, ContactKind
from ledger.selectors import (
    can_create_customer,
    can_delete_customer,
    can_hand_over,
    customer_duplicates,
    customers_to_hand_over,
    get_customer_for,
    get_service_record_for,
)
from ledger.services.customers import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    ContactChange,
    DuplicateCustomerError,
    contact_create,
    contact_delete,
    contact_update,
    customer_create,
    customer_delete,
    customer_event_record,
    customer_update,
    customers_hand_over,
)
from ledger.services.service_records import service_record_create, service_record_update
from ledger.supervision.selectors import display_name, managers_who_viewed
from ledger.supervision.services import access_record
from ledger.views.documents import document_pdf, document_xlsx


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class CustomerCreateView(View):
    template_name = "ledger/customer_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_create_customer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = CustomerForm(user=request.user, initial={"name": request.GET.get("name", "")})
        formset = ContactFormSet(
            prefix="contacts", initial=[{"kind": "primary"}, {"kind": "secondary"}]
        )
        return self.render(form, formset)

    def post(self, request):
        if done := submissions.repeated(request):
            return done
        form = CustomerForm(request.POST, user=request.user)
        formset = ContactFormSet(request.POST, prefix="contacts")
        matches = []
        if form.is_valid() and formset.is_valid():
            contacts = [f.cleaned_data for f in formset.forms if f.has_changed()]
            try:
                with transaction.atomic():
                    customer = customer_create(
                        actor=request.user,
                        data={
                            f: form.cleaned_data[f]
                            for f in CUSTOMER_FIELDS
                            if f in form.cleaned_data
                        },
                        contacts=contacts,
                        confirm_duplicate=form.cleaned_data.get("confirm_duplicate", False),
                    )
                    submissions.remember(request, customer.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except DuplicateCustomerError as exc:
                matches = exc.matches
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Customer “%(name)s” saved.") % {"name": customer})
                return redirect(customer)
        return self.render(form, formset, matches=matches)

    def render(self, form, formset, matches=()):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "matches": matches, "creating": True},
        )


class CustomerDetailView(View):
    def get(self, request, pk):
        customer = get_customer_for(request.user, pk)
        card = site.get(CustomerCard.code, kind="document")
        events, events_note = card.lines("events", customer)
        service_records, service_note = card.lines("service", customer)
        changes, changes_note = card.lines("history", customer)
        access_record(
            request=request,
            kind=AccessKind.VIEW,
            customer_id=customer.pk,
            target="customers",
            object_pk=customer.pk,
            row_count=1,
        )
        viewed_by = [
            {"name": display_name(row), "times": row["times"], "last": row["last"]}
            for row in managers_who_viewed(customer)
        ]
        return render(
            request,
            "ledger/customer_detail.html",
            {
                "customer": customer,
                "facts": [
                    (s.section.key, s.section.title, s.facts)
                    for s in card.render_sections(customer)
                ],
                "contacts": customer.contacts.all(),
                "events": events,
                "events_note": events_note,
                "service_records": service_records,
                "service_note": service_note,
                "changes": changes,
                "changes_note": changes_note,
                "event_form": EventForm(),
                "can_delete": can_delete_customer(request.user),
                "viewed_by": viewed_by,
            },
        )


def _contact_changes(formset) -> list[ContactChange]:
    """What the contact table of the edit page asks for: new, changed and deleted rows."""
    deleted = set(map(id, formset.deleted_forms))
    changes = []
    for form in formset.forms:
        data = {f: form.cleaned_data[f] for f in CONTACT_FIELDS if f in form.cleaned_data}
        if form.instance.pk is None:
            if form.has_changed() and id(form) not in deleted:
                changes.append(ContactChange(data=data))
        elif id(form) in deleted or form.has_changed():
            changes.append(
                ContactChange(
                    data=data,
                    contact=form.instance,
                    expected_version=form.cleaned_data.get("version"),
                    delete=id(form) in deleted,
                )
            )
    return changes


class CustomerUpdateView(View):
    """Edit a customer and its contacts on one page; each carries the version it was
    opened at, and a stale save is refused with the user's input kept on the page."""

    template_name = "ledger/customer_form.html"

    def get(self, request, pk):
        customer = get_customer_for(request.user, pk)
        form = CustomerForm(instance=customer, user=request.user)
        # The empty row offers the type the customer is missing: primary first.
        has_primary = customer.contacts.filter(kind=ContactKind.PRIMARY).exists()
        kind = ContactKind.SECONDARY if has_primary else ContactKind.PRIMARY
        formset = ContactEditFormSet(instance=customer, prefix="contacts", initial=[{"kind": kind}])
        return self.render(form, formset, customer)

    def post(self, request, pk):
        customer = get_customer_for(request.user, pk)
        form = CustomerForm(request.POST, instance=customer, user=request.user)
        # A post without the contact table (an older page, a script) edits the customer only.
        with_contacts = "contacts-TOTAL_FORMS" in request.POST
        formset = ContactEditFormSet(
            request.POST if with_contacts else None, instance=customer, prefix="contacts"
        )
        if form.is_valid() and (not with_contacts or formset.is_valid()):
            try:
                customer = customer_update(
                    actor=request.user,
                    customer=customer,
                    data={
                        f: form.cleaned_data[f] for f in CUSTOMER_FIELDS if f in form.cleaned_data
                    },
                    expected_version=form.cleaned_data.get("version") or 0,
                    contacts=_contact_changes(formset) if with_contacts else (),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(customer)
        return self.render(form, formset, customer)

    def render(self, form, formset, customer):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "customer": customer},
        )


class CustomerDeleteView(View):
    def dispatch(self, request, *args, **kwargs):
        if not can_delete_customer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        customer = get_customer_for(request.user, pk)
        return render(
            request,
            "ledger/confirm_delete.html",
            {"object": customer, "cancel": customer.get_absolute_url()},
        )

    def post(self, request, pk):
        customer = get_customer_for(request.user, pk)
        name = str(customer)
        customer_delete(actor=request.user, customer=customer)
        messages.success(request, _("Customer “%(name)s” deleted.") % {"name": name})
        return redirect(reverse("register-list", args=["customers"]) + "?scope=personal")


def customer_pdf(request, pk):
    """The customer card's old address: the same view as ``/forms/customer/<pk>.pdf``."""
    return document_pdf(request, code=CustomerCard.code, pk=pk)


def customer_xlsx(request, pk):
    """The customer card's old address: the same view as ``/forms/customer/<pk>.xlsx``."""
    return document_xlsx(request, code=CustomerCard.code, pk=pk)


@require_GET
def customer_duplicates_view(request):
    """The live duplicate hint under the name and phone fields (htmx)."""
    if not can_create_customer(request.user):
        raise PermissionDenied
    name = request.GET.get("name", "")[:120]
    phones = [request.GET.get("phone", "")[:40]]
    exclude = request.GET.get("exclude", "")
    matches = customer_duplicates(
        name=name,
        phones=phones,
        exclude_pk=int(exclude) if (exclude or "").isascii() and exclude.isdigit() else None,
    )
    return render(request, "ledger/_duplicates.html", {"matches": matches})


class HandoverView(View):
    """客户移交 in two steps: choose who hands over and who receives, then check the list of
    customers that will move and confirm. Only the confirming POST moves them, and only if
    the list is still the one the user checked."""

    template_name = "ledger/handover.html"
    confirm_template_name = "ledger/handover_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_hand_over(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": HandoverForm(user=request.user)})

    def post(self, request):
        form = HandoverForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        from_user, to_user = form.cleaned_data["from_user"], form.cleaned_data["to_user"]
        customers = list(customers_to_hand_over(request.user, from_user))
        if request.POST.get("step") != "confirm":
            return self.confirm_page(form, customers)
        checked = set(request.POST.getlist("customers"))
        if checked != {str(c.pk) for c in customers}:
            messages.warning(request, _("The list of customers changed meanwhile: check it again."))
            return self.confirm_page(form, customers)
        try:
            moved = customers_hand_over(actor=request.user, from_user=from_user, to_user=to_user)
        except ValidationError as exc:
            _apply_errors(form, exc)
            return render(request, self.template_name, {"form": form})
        messages.success(
            request,
            _("%(count)s customers handed over from %(old)s to %(new)s.")
            % {"count": moved, "old": from_user, "new": to_user},
        )
        return redirect(reverse("register-list", args=["customers"]) + "?scope=personal")

    def confirm_page(self, form, customers):
        return render(
            self.request,
            self.confirm_template_name,
            {
                "form": form,
                "from_user": form.cleaned_data["from_user"],
                "to_user": form.cleaned_data["to_user"],
                "customers": customers,
                "count": len(customers),
            },
        )


class CustomerPartFormView(View):
    """A form about one part of a customer (a contact, an event, a service record).

    The customer comes through the selector (404 when not visible), the part is saved
    through its service, and the user returns to that section of the customer's page.
    """

    template_name = "ledger/simple_form.html"
    form_class: type = None
    heading = ""
    saved_message = ""
    section = ""

    def get_objects(self, pk):
        """(customer, the part being edited or None)."""
        return get_customer_for(self.request.user, pk), None

    def get_form(self, customer, instance, data=None):
        return self.form_class(data, instance=instance)

    def save(self, form, customer, instance) -> None:
        raise NotImplementedError

    def extra_context(self, customer, instance) -> dict:
        return {}

    def get(self, request, pk):
        customer, instance = self.get_objects(pk)
        return self.render(customer, instance, self.get_form(customer, instance))

    def post(self, request, pk):
        customer, instance = self.get_objects(pk)
        if done := submissions.repeated(request):
            return done
        form = self.get_form(customer, instance, request.POST)
        if form.is_valid():
            url = f"{customer.get_absolute_url()}#{self.section}"
            try:
                with transaction.atomic():
                    self.save(form, customer, instance)
                    submissions.remember(request, url)
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, self.saved_message)
                return redirect(url)
        return self.render(customer, instance, form)

    def render(self, customer, instance, form):
        context = {"form": form, "customer": customer, "heading": self.heading}
        context.update(self.extra_context(customer, instance))
        return render(self.request, self.template_name, context)


def _contact_for(user, pk) -> Contact:
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=pk)
    get_customer_for(user, contact.customer_id)  # 404 unless the customer is visible
    return contact


class ContactCreateView(CustomerPartFormView):
    form_class = ContactForm
    heading = gettext_lazy("New contact")
    saved_message = gettext_lazy("Contact saved.")
    section = "contacts"

    def save(self, form, customer, instance):
        contact_create(actor=self.request.user, customer=customer, data=form.cleaned_data)


class ContactUpdateView(CustomerPartFormView):
    form_class = ContactForm
    heading = gettext_lazy("Edit contact")
    saved_message = gettext_lazy("Contact saved.")
    section = "contacts"

    def get_objects(self, pk):
        contact = _contact_for(self.request.user, pk)
        return contact.customer, contact

    def save(self, form, customer, instance):
        contact_update(
            actor=self.request.user,
            contact=instance,
            data=form.cleaned_data,
            expected_version=form.cleaned_data["version"],
        )

    def extra_context(self, customer, instance):
        return {"delete_url": reverse("contact-delete", args=[instance.pk])}


class ContactDeleteView(View):
    def get(self, request, pk):
        contact = _contact_for(request.user, pk)
        return render(
            request,
            "ledger/confirm_delete.html",
            {"object": contact, "cancel": contact.get_absolute_url()},
        )

    def post(self, request, pk):
        contact = _contact_for(request.user, pk)
        url = contact.get_absolute_url()
        contact_delete(actor=request.user, contact=contact)
        messages.success(request, _("Contact deleted."))
        return redirect(url)


class EventCreateView(CustomerPartFormView):
    form_class = EventForm
    heading = gettext_lazy("New event")
    saved_message = gettext_lazy("Event recorded.")
    section = "events"

    def save(self, form, customer, instance):
        customer_event_record(actor=self.request.user, customer=customer, **form.cleaned_data)


class ServiceRecordCreateView(CustomerPartFormView):
    form_class = ServiceRecordForm
    heading = gettext_lazy("New service record")
    saved_message = gettext_lazy("Service record saved.")
    section = "service"

    def get_form(self, customer, instance, data=None):
        initial = {"client_name": customer.person_name, "contact_info": customer.phone}
        return ServiceRecordForm(data, user=self.request.user, initial=initial)

    def save(self, form, customer, instance):
        service_record_create(actor=self.request.user, customer=customer, data=form.cleaned_data)


class ServiceRecordUpdateView(CustomerPartFormView):
    form_class = ServiceRecordForm
    heading = gettext_lazy("Service record")
    saved_message = gettext_lazy("Service record saved.")
    section = "service"

    def get_objects(self, pk):
        record = get_service_record_for(self.request.user, pk)
        return record.customer, record

    def get_form(self, customer, instance, data=None):
        return ServiceRecordForm(data, instance=instance, user=self.request.user)

    def save(self, form, customer, instance):
        service_record_update(
            actor=self.request.user,
            record=instance,
            data=form.cleaned_data,
            expected_version=form.cleaned_data["version"],
        )


def customer_list_redirect(request):
    return redirect("register-list", code="customers")
