"""The one POST-only view every workflow action goes through."""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from ledger.workflow.declaration import registry
from ledger.workflow.services import transition


class TransitionView(View):
    """Move one record: ``to``, ``expected_state`` (the state the page showed) and ``note``
    come from the form of ``{% workflow_actions %}``.

    A family wires it with its fetch-and-authorise selector, which answers 404 for a
    record the user may not see::

        path("contracts/<int:pk>/transition/",
             TransitionView.as_view(get_object_for=get_contract_for))

    The rules are ``transition()``'s: a refused move (someone was first, wrong state, no
    reason given) comes back as a message on the record's page; an actor without the
    right gets 403.
    """

    http_method_names = ["post"]
    get_object_for = None  # (user, pk) -> the record; 404 when missing or forbidden

    def post(self, request, pk):
        if self.get_object_for is None:
            raise ImproperlyConfigured("TransitionView needs get_object_for")
        obj = self.get_object_for(request.user, pk)
        workflow = registry.of(obj)
        to = request.POST.get("to", "")
        if to not in workflow.states.values:
            messages.error(request, _("Choose an action."))
            return redirect(obj.get_absolute_url())
        try:
            change = transition(
                obj=obj,
                to=to,
                actor=request.user,
                note=request.POST.get("note", ""),
                expected_state=request.POST.get("expected_state") or None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            move = workflow.get(change.from_state, change.to_state)
            messages.success(
                request,
                _("“%(action)s” done: the status is now “%(state)s”.")
                % {"action": move.label, "state": workflow.label_of(change.to_state)},
            )
        return redirect(obj.get_absolute_url())
