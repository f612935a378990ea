"""Account pages beyond Django's own: the throttled password change."""

from django.contrib.auth import views as auth_views

from accounts.forms import ThrottledPasswordChangeForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old-password check throttled like log-ins."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
