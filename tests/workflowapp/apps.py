from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    """A test-only app: a small state machine that proves the workflow spine."""

    name = "tests.workflowapp"
    label = "workflowapp"
    default_auto_field = "django.db.models.BigAutoField"
