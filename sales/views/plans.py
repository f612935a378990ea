"""Pages of the sales plans: enter and change 表5-2, 5-3, 5-4 and 5-5, and look at one
plan on screen (its printed form's content, and for 表5-2 the plan against the actual).

Every page fetches through ``sales.selectors_plans`` (404 for a plan the user may not see)
and writes through ``sales.services.plans``; a form sent twice saves once.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from ledger import submissions
from ledger.engine import site
from ledger.engine.base import Face
from ledger.views.customers import _apply_errors
from sales.forms_plans import (
    ActionPlanForm,
    AnnualPlanForm,
    MonthPlanItemForm,
    WeekPlanForm,
    annual_line_formset,
    annual_lines_of,
)
from sales.selectors_plans import (
    can_create_plans,
    can_use_plans,
    get_action_plan_for,
    get_annual_plan_for,
    get_month_plan_item_for,
    get_week_plan_for,
    plan_against_actual,
)
from sales.services import plans as services


class PlanFormView(View):
    """Create (no ``pk``) or change (``pk``) one plan through its service."""

    template_name = "sales/plans/form.html"
    code = ""
    heading_new = heading_edit = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        allowed = can_use_plans(user) if kwargs.get("pk") else can_create_plans(user)
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # --- per form ---------------------------------------------------------------------
    def get_for(self, user, pk):
        raise NotImplementedError

    def make_form(self, data, obj):
        raise NotImplementedError

    def make_formset(self, data, obj):
        return None

    def save(self, form, formset, obj):
        raise NotImplementedError

    def list_url(self) -> str:
        return reverse("document-list", args=[self.code])

    def success_url(self, saved) -> str:
        return saved.get_absolute_url()

    def saved_message(self, saved) -> str:
        return _("Plan “%(name)s” saved.") % {"name": saved}

    # --- the flow ---------------------------------------------------------------------
    def get(self, request, pk=None):
        obj = self.get_for(request.user, pk) if pk else None
        return self.show(self.make_form(None, obj), self.make_formset(None, obj), obj)

    def post(self, request, pk=None):
        obj = self.get_for(request.user, pk) if pk else None
        if done := submissions.repeated(request):
            return done
        form = self.make_form(request.POST, obj)
        formset = self.make_formset(request.POST, obj)
        valid = form.is_valid()
        valid = (formset is None or formset.is_valid()) and valid
        if valid:
            try:
                with transaction.atomic():
                    saved = self.save(form, formset, obj)
                    submissions.remember(request, self.success_url(saved))
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, self.saved_message(saved))
                return redirect(self.success_url(saved))
        return self.show(form, formset, obj)

    def show(self, form, formset, obj):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset,
                "object": obj,
                "heading": self.heading_edit if obj else self.heading_new,
                "code_label": f"表{self.code}",
                "back_url": obj.get_absolute_url() if obj else self.list_url(),
                "delete_url": self.delete_url(obj),
            },
        )

    def delete_url(self, obj) -> str | None:
        return None


class AnnualPlanFormView(PlanFormView):
    template_name = "sales/plans/annual_form.html"
    code = "5-2"

    @property
    def heading_new(self):
        return _("New annual sales plan")

    @property
    def heading_edit(self):
        return _("Edit annual sales plan")

    def get_for(self, user, pk):
        return get_annual_plan_for(user, pk)

    def make_form(self, data, obj):
        return AnnualPlanForm(data, instance=obj, user=self.request.user)

    def make_formset(self, data, obj):
        return annual_line_formset(data=data, plan=obj)

    def save(self, form, formset, obj):
        data = {k: form.cleaned_data[k] for k in ("owner", "year", "filled_on", "reviewer")}
        lines = annual_lines_of(formset)
        if obj is None:
            return services.annual_plan_create(actor=self.request.user, data=data, lines=lines)
        return services.annual_plan_update(
            actor=self.request.user,
            plan=obj,
            data=data,
            lines=lines,
            expected_version=form.cleaned_data["version"],
        )


class ActionPlanFormView(PlanFormView):
    template_name = "sales/plans/action_form.html"
    code = "5-4"

    @property
    def heading_new(self):
        return _("New salesperson's action plan")

    @property
    def heading_edit(self):
        return _("Edit salesperson's action plan")

    def get_for(self, user, pk):
        return get_action_plan_for(user, pk)

    def make_form(self, data, obj):
        return ActionPlanForm(data, instance=obj, user=self.request.user)

    def save(self, form, formset, obj):
        if obj is None:
            return services.action_plan_create(
                actor=self.request.user, data=form.plan_data(), items=form.items()
            )
        return services.action_plan_update(
            actor=self.request.user,
            plan=obj,
            data=form.plan_data(),
            items=form.items(),
            expected_version=form.cleaned_data["version"],
        )


class WeekPlanFormView(PlanFormView):
    template_name = "sales/plans/week_form.html"
    code = "5-5"

    @property
    def heading_new(self):
        return _("New weekly action plan")

    @property
    def heading_edit(self):
        return _("Edit weekly action plan")

    def get_for(self, user, pk):
        return get_week_plan_for(user, pk)

    def make_form(self, data, obj):
        return WeekPlanForm(data, instance=obj, user=self.request.user)

    def save(self, form, formset, obj):
        if obj is None:
            return services.week_plan_create(
                actor=self.request.user, data=form.plan_data(), days=form.days()
            )
        return services.week_plan_update(
            actor=self.request.user,
            plan=obj,
            data=form.plan_data(),
            days=form.days(),
            expected_version=form.cleaned_data["version"],
        )


class MonthPlanItemFormView(PlanFormView):
    code = "5-3"

    @property
    def heading_new(self):
        return _("New planned order")

    @property
    def heading_edit(self):
        return _("Edit planned order")

    def list_url(self):
        return reverse("register-list", args=["5-3"])

    def get_for(self, user, pk):
        return get_month_plan_item_for(user, pk)

    def make_form(self, data, obj):
        return MonthPlanItemForm(data, instance=obj, user=self.request.user)

    def delete_url(self, obj):
        return reverse("sales:month-plan-delete", args=[obj.pk]) if obj else None

    def save(self, form, formset, obj):
        fields = services.MONTH_ITEM_FIELDS
        data = {k: form.cleaned_data[k] for k in fields if k in form.cleaned_data}
        if obj is None:
            return services.month_plan_item_create(actor=self.request.user, data=data)
        return services.month_plan_item_update(
            actor=self.request.user,
            item=obj,
            data=data,
            expected_version=form.cleaned_data["version"],
        )

    def success_url(self, saved) -> str:
        # A planned order is a line of the month's register: back to that month.
        return f"{reverse('register-list', args=['5-3'])}?period={saved.ship_on:%Y-%m}"


class MonthPlanItemDeleteView(View):
    def dispatch(self, request, *args, **kwargs):
        if not can_use_plans(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        item = get_month_plan_item_for(request.user, pk)
        return render(
            request,
            "ledger/confirm_delete.html",
            {"object": item, "cancel": reverse("sales:month-plan-edit", args=[pk])},
        )

    def post(self, request, pk):
        item = get_month_plan_item_for(request.user, pk)
        month = f"{item.ship_on:%Y-%m}"
        services.month_plan_item_delete(actor=request.user, item=item)
        messages.success(request, _("Planned order deleted."))
        return redirect(f"{reverse('register-list', args=['5-3'])}?period={month}")


# --- one plan on screen -----------------------------------------------------------------
class PlanDetailView(View):
    template_name = "sales/plans/detail.html"
    code = ""
    edit_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not can_use_plans(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        document = site.get(self.code, kind="document")
        plan = document.get_object(request.user, pk)
        rendered = document.render(plan)
        context = {
            "document": document,
            "plan": plan,
            "doc": rendered,
            "edit_url": reverse(self.edit_name, args=[plan.pk]),
            "pdf_url": document.pdf_url(plan.pk)
            if document.allows(Face.PRINT, request.user)
            else None,
            "xlsx_url": document.xlsx_url(plan.pk)
            if document.allows(Face.EXPORT, request.user)
            else None,
        }
        context.update(self.extra(plan))
        return render(request, self.template_name, context)

    def extra(self, plan) -> dict:
        return {}


class AnnualPlanDetailView(PlanDetailView):
    code = "5-2"
    edit_name = "sales:annual-plan-edit"

    def extra(self, plan):
        return {"comparison": plan_against_actual(plan)}


class ActionPlanDetailView(PlanDetailView):
    code = "5-4"
    edit_name = "sales:action-plan-edit"


class WeekPlanDetailView(PlanDetailView):
    code = "5-5"
    edit_name = "sales:week-plan-edit"
