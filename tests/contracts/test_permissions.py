"""Every page of the contract family × every role: the allowed path answers 200, the
forbidden one is refused (404 for a contract the role may not see, 403 for a page of a
contract it sees but may not use)."""

import pytest

from tests.conftest import ROLES
from tests.contracts.helpers import approved_change, make_contract, submitted

EVERYONE = set(ROLES)
OWNERS_AND_UP = {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3"}
REVIEWERS = {"production1", "quality1", "purchasing1"}
SEES_DRAFT1 = {"sales1", "manager1", "gm", "admin"}  # a draft: not yet the assistant's
SEES_REVIEW1 = SEES_DRAFT1 | {"assistant1"} | REVIEWERS  # under review by every department
SEES_SEALED3 = {"sales3", "manager2", "gm", "admin", "assistant1"}
SEES_CHANGE3 = SEES_SEALED3 | REVIEWERS  # its 5-16 went to 技术/生产/采购


@pytest.fixture
def things(org):
    draft = make_contract(org.sales1)
    review, review_round = submitted(org.sales1)
    change = approved_change(org, org.sales3)
    return {
        "draft": draft,
        "review": review,
        "review_round": review_round,
        "sealed": change.contract,
        "sealed_round": change.contract.rounds.get(),
        "change": change,
        "notice": change.notices.first(),
    }


def pages(t):
    """(url, {role: status}) with 200 for the roles in ``allowed`` and ``refused`` else."""
    d, r, s = t["draft"].pk, t["review"].pk, t["sealed"].pk
    rr, sr, ch = t["review_round"].pk, t["sealed_round"].pk, t["change"].pk

    def only(allowed, refused=404, **special):
        return {role: special.get(role, 200 if role in allowed else refused) for role in ROLES}

    rows = [
        ("/contracts/", only(EVERYONE)),
        ("/contracts/new/", only(OWNERS_AND_UP, 403)),
        (f"/contracts/{d}/", only(SEES_DRAFT1)),
        (f"/contracts/{d}/edit/", only({"sales1", "manager1", "admin"}, gm=403)),
        (f"/contracts/{d}/review/", only(SEES_DRAFT1)),
        (f"/contracts/{r}/", only(SEES_REVIEW1)),
        (f"/contracts/{r}/edit/", only(set(), **dict.fromkeys(SEES_REVIEW1, 403))),
        (f"/contracts/{r}/review/", only(SEES_REVIEW1)),
        (f"/contracts/reviews/{rr}/", only(SEES_REVIEW1)),
        (f"/contracts/{s}/", only(SEES_SEALED3)),
        (f"/contracts/{s}/review/", only(SEES_SEALED3)),
        (f"/contracts/reviews/{sr}/", only(SEES_SEALED3)),
        (
            f"/contracts/{s}/changes/new/",
            only({"sales3"}, **dict.fromkeys(SEES_SEALED3 - {"sales3"}, 403)),
        ),
        (f"/contracts/{d}/changes/new/", only(set(), **dict.fromkeys(SEES_DRAFT1, 403))),
        (f"/contracts/changes/{ch}/", only(SEES_CHANGE3)),
        ("/contracts/999999/", only(set())),
        ("/contracts/changes/999999/", only(set())),
        ("/forms/5-14/", only(EVERYONE)),
        ("/forms/5-15/", only(EVERYONE)),
        ("/forms/5-16/", only(EVERYONE)),
        (f"/forms/5-14/{rr}.pdf", only(SEES_REVIEW1)),
        (f"/forms/5-14/{sr}.pdf", only(SEES_SEALED3)),
        (f"/forms/5-14/{sr}.xlsx", only(set())),  # a document, not a table form
        (f"/forms/5-15/{ch}.pdf", only(SEES_CHANGE3)),
        (f"/forms/5-16/{ch}.pdf", only(SEES_CHANGE3)),
    ]
    # The moves are POST only.
    for url in (
        f"/contracts/{r}/action/",
        f"/contracts/steps/{t['review_round'].steps.first().pk}/sign/",
        f"/contracts/changes/{ch}/action/",
        f"/contracts/notices/{t['notice'].pk}/sign/",
    ):
        rows.append((url, only(set(), 405)))
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_every_contract_page_for_every_role(org, things, client, role):
    client.force_login(getattr(org, role))
    failures = []
    for url, expected in pages(things):
        status = client.get(url).status_code
        if status != expected[role]:
            failures.append(f"{url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def test_anonymous_users_are_sent_to_the_login_page(things, client):
    for url, _expected in pages(things):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_forbidden_posts_change_nothing(org, things, client):
    sealed, review = things["sealed"], things["review"]
    client.force_login(org.sales1)
    for url, data in (
        (f"/contracts/{sealed.pk}/action/", {"move": "cancel", "note": "x"}),
        (f"/contracts/{sealed.pk}/edit/", {"name": "改名"}),
        (f"/contracts/changes/{things['change'].pk}/action/", {"move": "withdraw"}),
        (f"/contracts/notices/{things['notice'].pk}/sign/", {}),
    ):
        assert client.post(url, data).status_code == 404, url
    client.force_login(org.production1)
    response = client.post(f"/contracts/{review.pk}/action/", {"move": "cancel", "note": "x"})
    assert response.status_code == 302
    sealed.refresh_from_db()
    review.refresh_from_db()
    assert (sealed.status, sealed.name, review.status) == (
        "sealed",
        "不锈钢法兰供货合同",
        "in_review",
    )
    assert not things["notice"].__class__.objects.filter(acknowledged_by__isnull=False).exists()
