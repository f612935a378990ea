"""Changing a password is throttled like logging in."""

from axes.models import AccessAttempt

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory


def _change(client, old):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": "a-new-pass-456", "new_password2": "a-new-pass-456"},
    )


def test_wrong_old_passwords_lock_the_password_change(client, sales1, settings):
    client.force_login(sales1)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _change(client, "wrong")
        assert response.status_code == 200
        assert "锁定" not in response.content.decode()
    last = _change(client, "wrong")
    assert last.status_code == 200
    assert "尝试次数过多" in last.content.decode()
    # Locked: even the right old password is refused now, and nothing changes.
    right = _change(client, PASSWORD)
    assert right.status_code == 200
    assert "尝试次数过多" in right.content.decode()
    sales1.refresh_from_db()
    assert sales1.check_password(PASSWORD)
    assert AccessAttempt.objects.filter(username="sales1").exists()


def test_the_lock_also_holds_for_logging_in(client, sales1, settings):
    client.force_login(sales1)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _change(client, "wrong")
    client.logout()
    response = client.post("/accounts/login/", {"username": "sales1", "password": PASSWORD})
    assert response.status_code == 429


def test_fewer_failures_than_the_limit_still_allow_the_change(client, sales1, sales2, settings):
    client.force_login(sales1)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _change(client, "wrong")
    assert _change(client, PASSWORD).status_code == 302
    sales1.refresh_from_db()
    assert sales1.check_password("a-new-pass-456")


def test_a_junk_user_name_of_any_length_is_a_failed_log_in(client, db):
    """On PostgreSQL a 3,000-character user name used to make recording the failure fail."""
    for url in ("/accounts/login/", "/admin/login/"):
        response = client.post(url, {"username": "x" * 3000, "password": "wrong"})
        assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 150
