"""``manage.py check`` for workflow declarations: the state field fits the state machine."""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from ledger.workflow.declaration import registry as default_registry


@checks.register("ledger")
def check_workflows(app_configs=None, registry=None, **kwargs):
    """Each workflow's state field exists, and its choices are exactly the declared states
    (so a form, a filter or the admin can never set a state the machine does not know)."""
    problems = []
    for workflow in registry or default_registry:
        model = workflow.model
        where = f"{model._meta.label}.{workflow.field}"
        try:
            field = model._meta.get_field(workflow.field)
        except FieldDoesNotExist:
            problems.append(
                checks.Error(
                    f"{model._meta.label}: the workflow's state field {workflow.field!r} "
                    "does not exist",
                    obj=model,
                    id="ledger.E201",
                )
            )
            continue
        choices = {str(value) for value, _label in (field.choices or ())}
        states = set(workflow.states.values)
        if choices != states:
            problems.append(
                checks.Error(
                    f"{where}: its choices {sorted(choices)} are not the workflow's states "
                    f"{sorted(states)}",
                    hint="Use choices=<the workflow's states>.choices on the state field.",
                    obj=model,
                    id="ledger.E202",
                )
            )
        if field.max_length is not None and any(len(s) > 40 for s in states):
            problems.append(
                checks.Error(
                    f"{where}: a state is longer than the 40 characters a status change keeps",
                    obj=model,
                    id="ledger.E203",
                )
            )
    return problems
