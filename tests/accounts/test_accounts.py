"""Logging in, locking out, changing passwords; roles and the admin flag."""

import pytest
from axes.models import AccessAttempt

from accounts.models import Role, User
from tests.factories import UserFactory

PASSWORD = "secret-pass-123"


def test_the_login_page_is_in_chinese(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page
    assert 'lang="zh-hans"' in page


def test_log_in_and_out(client, sales1):
    response = client.post("/accounts/login/", {"username": "sales1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # logging out is a POST
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_says_so_in_chinese(client, sales1):
    response = client.post("/accounts/login/", {"username": "sales1", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failures_lock_the_account(client, sales1, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "sales1", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "sales1", "password": PASSWORD})
    assert locked.status_code == 429
    assert "账户已锁定" in locked.content.decode()
    assert client.get("/").status_code == 302  # still not logged in
    assert AccessAttempt.objects.filter(username="sales1").exists()


def test_another_user_is_not_locked_by_someone_elses_failures(client, sales1, sales2, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "sales1", "password": "wrong"})
    ok = client.post("/accounts/login/", {"username": "sales2", "password": PASSWORD})
    assert ok.status_code == 302


def test_change_password(client, sales1):
    client.force_login(sales1)
    page = client.get("/accounts/password/").content.decode()
    assert "修改密码" in page
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-456",
            "new_password2": "a-new-pass-456",
        },
    )
    assert response.status_code == 302
    sales1.refresh_from_db()
    assert sales1.check_password("a-new-pass-456")
    weak = client.post(
        "/accounts/password/",
        {"old_password": "a-new-pass-456", "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200 and "密码" in weak.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_the_admin_role_is_staff(db, role):
    user = UserFactory(role=role)
    assert not user.is_staff and not user.is_superuser
    user.role = Role.ADMIN
    user.save()
    assert user.is_staff and user.is_superuser
    user.role = role
    user.save()
    assert not user.is_staff


def test_createsuperuser_makes_an_administrator(db):
    user = User.objects.create_superuser("root2", "root2@example.com", "pw-1234567")
    assert user.role == Role.ADMIN and user.is_staff


def test_user_display_name(db):
    assert str(UserFactory(username="u1", full_name="张三")) == "张三"
    assert str(UserFactory(username="u2", full_name="")) == "u2"
