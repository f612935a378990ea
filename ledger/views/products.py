"""Create, change and delete products of the product master (表5-7)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from ledger import submissions
from ledger.forms import ProductForm
from ledger.selectors import can_delete_products, can_edit_products, get_product_for
from ledger.services.products import product_create, product_delete, product_update
from ledger.views.customers import _apply_errors


class ProductFormView(View):
    template_name = "ledger/simple_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_edit_products(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk=None):
        product = get_product_for(request.user, pk) if pk else None
        return self.render(ProductForm(instance=product), product)

    def post(self, request, pk=None):
        product = get_product_for(request.user, pk) if pk else None
        if done := submissions.repeated(request):
            return done
        form = ProductForm(request.POST, instance=product)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if product is None:
                        saved = product_create(actor=request.user, data=form.cleaned_data)
                    else:
                        saved = product_update(
                            actor=request.user,
                            product=product,
                            data=form.cleaned_data,
                            expected_version=form.cleaned_data["version"],
                        )
                    submissions.remember(request, reverse("register-list", args=["5-7"]))
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Product “%(name)s” saved.") % {"name": saved})
                return redirect(reverse("register-list", args=["5-7"]))
        return self.render(form, product)

    def render(self, form, product):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "heading": _("Edit product") if product else _("New product"),
                "back_url": reverse("register-list", args=["5-7"]),
                "delete_url": reverse("product-delete", args=[product.pk])
                if product and can_delete_products(self.request.user)
                else None,
            },
        )


class ProductDeleteView(View):
    def dispatch(self, request, *args, **kwargs):
        if not can_delete_products(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        product = get_product_for(request.user, pk)
        return render(
            request,
            "ledger/confirm_delete.html",
            {"object": product, "cancel": reverse("product-edit", args=[pk])},
        )

    def post(self, request, pk):
        product = get_product_for(request.user, pk)
        try:
            product_delete(actor=request.user, product=product)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("product-edit", pk=pk)
        messages.success(request, _("Product deleted."))
        return redirect(reverse("register-list", args=["5-7"]))
