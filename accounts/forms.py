from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or password is wrong. After repeated failures the account is "
            "locked for a while."
        ),
    }


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The password change form whose old-password check is throttled like a log-in.

    A wrong old password counts as a failed log-in of the user (django-axes, the same
    user name and address): after ``AXES_FAILURE_LIMIT`` failures the form refuses even
    the right password until the lock expires, and logging in is locked too.
    """

    error_messages = {
        **PasswordChangeForm.error_messages,
        "locked": _(
            "Too many wrong passwords: changing the password is locked for a while. "
            "Try again later or ask an administrator to unlock the account."
        ),
    }

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def credentials(self) -> dict:
        return {settings.AXES_USERNAME_FORM_FIELD: self.user.get_username()}

    def clean_old_password(self):
        if AxesProxyHandler.is_locked(self.request, self.credentials()):
            raise ValidationError(self.error_messages["locked"], code="locked")
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(
                sender=type(self), credentials=self.credentials(), request=self.request
            )
            # This form explains the lock itself (instead of axes' log-in lockout page).
            self.request.axes_locked_out = False
            if AxesProxyHandler.is_locked(self.request, self.credentials()):
                raise ValidationError(self.error_messages["locked"], code="locked") from None
            raise
