"""Role × form × face, generated from the declarations: every register and every document
of the site, every role of the demo organisation, every face (list, Excel, PDF). A face the
declaration refuses answers 403; a face it allows answers 200; a document the role may not
see answers 404 whatever the face."""

import datetime
import io

import pytest
from django.apps import apps
from openpyxl import load_workbook

from ledger.engine import Face, site
from ledger.services.customers import customer_update
from tests.conftest import ROLES
from tests.contracts.helpers import approved_change, submitted
from tests.factories import CustomerFactory, ProductFactory, ServiceRecordFactory
from tests.ledger.declarations import ViewOnlyProducts, declared
from tests.ledger.document_proofs import PROOFS, AnnualPlanForm
from tests.sales.orders_helpers import make_order
from tests.sales.plan_factories import action_plan, annual_plan, week_plan

FACES = {Face.OPEN: "", Face.EXPORT: "export.xlsx", Face.PRINT: "print.pdf"}
SALES_SIDE = frozenset(
    {"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3", "assistant1"}
)
OWNERS_AND_UP = frozenset({"admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3"})
EVERYONE = frozenset(ROLES)
OFFICE_READERS = frozenset({"admin", "gm", "manager1", "manager2", "assistant1"})

# What the shipped declarations say, written out: the generated matrix below proves the
# views obey the declarations, this proves the declarations say what the company wants.
POLICY = {
    "customers": dict.fromkeys(Face, SALES_SIDE),
    "service": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-7": dict.fromkeys(Face, EVERYONE),
    "5-3": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-6": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-11": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-12": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-13": dict.fromkeys(Face, OWNERS_AND_UP),
    # The contract registers: the sales side; 5-20 also the department reviewers (their own
    # box's decisions); the office registers 5-23 / 5-24 the clerks, managers and 总经理.
    **{code: dict.fromkeys(Face, SALES_SIDE) for code in ("5-17", "5-18", "5-19", "5-21")},
    "5-20": dict.fromkeys(Face, EVERYONE),
    "5-22": dict.fromkeys(Face, SALES_SIDE),
    "5-23": dict.fromkeys(Face, OFFICE_READERS),
    "5-24": dict.fromkeys(Face, OFFICE_READERS),
    "5-25": dict.fromkeys(Face, SALES_SIDE),
    # The visit family: whoever has visit ledgers (salespeople and everyone above them).
    "5-27": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-28": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-30": dict.fromkeys(Face, OWNERS_AND_UP),
    "view-only": {
        Face.OPEN: set(ROLES),
        Face.EXPORT: {"admin", "gm", "manager1", "manager2"},
        Face.PRINT: {"admin"},
    },
}


@pytest.fixture
def rows(org):
    customer = CustomerFactory(owner=org.sales1)
    ServiceRecordFactory(customer=customer)
    ProductFactory()


def allowed(org, code):
    """{face: roles} as the declaration of ``code`` says."""
    register = site.get(code)
    return {
        face: {role for role in ROLES if register.allows(face, getattr(org, role))} for face in Face
    }


def test_the_declarations_say_what_the_policy_says(org):
    with declared(ViewOnlyProducts):
        assert sorted(r.code for r in site) == sorted(POLICY)
        for code, faces in POLICY.items():
            assert allowed(org, code) == faces, code


@pytest.mark.parametrize("role", ROLES)
def test_every_register_every_face_for_every_role(org, rows, client, role):
    user = getattr(org, role)
    client.force_login(user)
    failures, tried = [], 0
    with declared(ViewOnlyProducts):
        for register in site:
            for face, suffix in FACES.items():
                url = f"/registers/{register.code}/{suffix}"
                expected = 200 if register.allows(face, user) else 403
                status = client.get(url).status_code
                tried += 1
                if status != expected:
                    failures.append(f"{url}: {status}, expected {expected}")
    assert tried == len(POLICY) * len(FACES)
    assert not failures, "\n".join(failures)


def test_a_role_that_may_open_but_not_export_is_refused_the_export(org, rows, client):
    client.force_login(org.sales1)
    with declared(ViewOnlyProducts):
        page = client.get("/registers/view-only/")
        assert page.status_code == 200
        assert page.context["export_url"] is None and page.context["print_url"] is None
        assert b"export.xlsx" not in page.content
        assert client.get("/registers/view-only/export.xlsx").status_code == 403
        assert client.get("/registers/view-only/print.pdf").status_code == 403
        client.force_login(org.manager1)
        assert client.get("/registers/view-only/export.xlsx").status_code == 200
        assert client.get("/registers/view-only/print.pdf").status_code == 403


def test_the_monthly_workbook_holds_only_what_the_user_may_export(org, rows, client):
    client.force_login(org.admin)
    with declared(ViewOnlyProducts):
        ViewOnlyProducts.can_export = lambda self, user: False
        try:
            response = client.get("/registers/monthly.xlsx?month=2026-11")
        finally:
            del ViewOnlyProducts.can_export
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [v for row in book["目录"].iter_rows(values_only=True) for v in row]
    titles = [v for v in cells if v in ("客户台账（个人台账）", "客户服务台账", "产品记录表")]
    assert titles == ["客户台账（个人台账）", "客户服务台账", "产品记录表"]
    assert not any("产品一览" in str(v) for v in cells)
    assert not any("产品一览" in name for name in book.sheetnames)


def test_a_column_rule_shows_a_column_to_some_roles_only(org, rows, client):
    with declared(ViewOnlyProducts):
        client.force_login(org.admin)
        assert "批发" in client.get("/registers/view-only/").content.decode()
        client.force_login(org.manager1)
        page = client.get("/registers/view-only/").content.decode()
        assert "零售" in page and "批发" not in page
        book = load_workbook(
            io.BytesIO(b"".join(client.get("/registers/view-only/export.xlsx").streaming_content))
        )
        texts = {c.value for row in book.worksheets[-1].iter_rows() for c in row}
        assert "零售" in texts and "批发" not in texts


def test_the_shared_ledger_shows_the_shared_columns_only(org, rows, client):
    client.force_login(org.sales2)
    public = client.get("/registers/customers/").context["query"].columns
    assert [c.label for c in public] == [
        "序号",
        "客户名称",
        "客户类别",
        "负责人",
        "最近联系",
        "联系人员",
    ]
    personal = client.get("/registers/customers/?scope=personal").context["query"].columns
    assert len(personal) == 16


# --- Documents ------------------------------------------------------------------------
DOCUMENT_FACES = {Face.OPEN: "list", Face.PRINT: "pdf", Face.EXPORT: "xlsx"}
MANAGERS_AND_UP = frozenset({"admin", "gm", "manager1", "manager2"})


class ViewOnlyPlan(AnnualPlanForm):
    """表5-2's shape: opened and printed by managers and up, exported by admins only."""

    code = "plan-view-only"
    title = "年度销售计划表（只读）"

    def can_export(self, user):
        return user.is_admin


# The real 表5-8 and 表5-14 replace their proofs here (the proofs keep proving the engine
# elsewhere).
DOCUMENTS = (*(p for p in PROOFS if p.code not in ("5-8", "5-14")), ViewOnlyPlan)
DOCUMENT_POLICY = {
    "customer": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-8": dict.fromkeys(Face, OWNERS_AND_UP),
    # Each role sees the reviews and changes of the contracts it may see: department
    # reviewers those under review by their department and the notices they received.
    "5-14": dict.fromkeys(Face, EVERYONE),
    "5-15": dict.fromkeys(Face, EVERYONE),
    "5-16": dict.fromkeys(Face, EVERYONE),
    "5-2": dict.fromkeys(Face, MANAGERS_AND_UP),  # the proof stands in for the real 5-2
    "5-4": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-5": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-9": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-10": dict.fromkeys(Face, OWNERS_AND_UP),
    "5-29": dict.fromkeys(Face, OWNERS_AND_UP),
    "plan-view-only": {
        Face.OPEN: MANAGERS_AND_UP,
        Face.PRINT: MANAGERS_AND_UP,
        Face.EXPORT: {"admin"},
    },
}


@pytest.fixture
def papers(org):
    """A customer of each salesperson (two departments) and products for the lines; a
    plan of each form and an export order for each salesperson."""
    for owner in (org.sales1, org.sales2, org.sales3):
        customer = CustomerFactory(owner=owner)
        annual_plan(owner)
        action_plan(owner, customer=customer)
        week_plan(owner, customer=customer)
    ProductFactory.create_batch(2)
    for owner in (org.sales1, org.sales2, org.sales3):  # an export order each
        make_order(owner, export=True)
    # Contracts of two departments: a review in progress, and an approved change each;
    # sales1's changed contract is with a customer handed over to sales2 since.
    submitted(org.sales1)
    change = approved_change(org, org.sales1)
    customer = type(change.contract.customer).objects.get(pk=change.contract.customer_id)
    customer_update(
        actor=org.admin,
        customer=customer,
        data={"owner": org.sales2},
        expected_version=customer.version,
    )
    approved_change(org, org.sales3)
    if apps.is_installed("visits"):  # a visit report (表5-29) of each salesperson
        from tests.visits.conftest import make_visits

        day = datetime.date.today() - datetime.timedelta(days=1)
        for owner in (org.sales1, org.sales2, org.sales3):
            customer = CustomerFactory(owner=owner)
            make_visits(owner, customer, None, day=day)


def document_urls(document, user):
    """(url, face, expected status) for one document form and one user: the list, and the
    PDF and workbook of the first object the user may see and of one the user may not."""
    allowed = {face: document.allows(face, user) for face in Face}
    urls = [(document.get_absolute_url(), Face.OPEN, 200 if allowed[Face.OPEN] else 403)]
    visible = document.queryset(user).order_by("pk")
    seen = visible.first()
    hidden = document.model.objects.exclude(pk__in=visible.values("pk")).order_by("pk").first()
    for obj, may_see in ((seen, True), (hidden, False)):
        if obj is None:
            continue
        urls.append(
            (
                document.pdf_url(obj.pk),
                Face.PRINT,
                (200 if allowed[Face.PRINT] else 403) if may_see else 404,
            )
        )
        xlsx = f"/forms/{document.code}/{obj.pk}.xlsx"
        if not document.exports_excel:
            urls.append((xlsx, Face.EXPORT, 404))  # not a table form: no workbook at all
        else:
            urls.append(
                (xlsx, Face.EXPORT, (200 if allowed[Face.EXPORT] else 403) if may_see else 404)
            )
    return urls


def test_the_document_declarations_say_what_the_policy_says(org):
    with declared(*DOCUMENTS):
        assert sorted(d.code for d in site.documents()) == sorted(DOCUMENT_POLICY)
        for document in site.documents():
            faces = {
                face: {role for role in ROLES if document.allows(face, getattr(org, role))}
                for face in Face
            }
            assert faces == DOCUMENT_POLICY[document.code], document.code


@pytest.mark.parametrize("role", ROLES)
def test_every_document_every_face_for_every_role(org, papers, client, role):
    user = getattr(org, role)
    client.force_login(user)
    failures, tried = [], set()
    with declared(*DOCUMENTS):
        for document in site.documents():
            for url, face, expected in document_urls(document, user):
                status = client.get(url).status_code
                tried.add((document.code, face, expected))
                if status != expected:
                    failures.append(f"{url} ({face}): {status}, expected {expected}")
    assert not failures, "\n".join(failures)
    # Every form's list was tried, and every object face the role may take.
    assert {(code, Face.OPEN) for code, face, _ in tried if face == Face.OPEN} == {
        (code, Face.OPEN) for code in DOCUMENT_POLICY
    }
    for code, faces in DOCUMENT_POLICY.items():
        if role in faces[Face.PRINT]:
            assert (code, Face.PRINT, 200) in tried, code
    if role in ("sales1", "manager1"):  # they see some customers and not others
        assert ("customer", Face.PRINT, 404) in tried
        assert ("customer", Face.EXPORT, 404) in tried


def test_a_role_that_may_open_a_document_but_not_export_it_is_refused(org, papers, client):
    client.force_login(org.manager1)
    with declared(ViewOnlyPlan):
        own = org.manager1.department_id
        page = client.get("/forms/plan-view-only/")
        assert page.status_code == 200
        html = page.content.decode()
        assert f"/forms/plan-view-only/{own}.pdf" in html
        assert f"/forms/plan-view-only/{own}.xlsx" not in html
        assert client.get(f"/forms/plan-view-only/{own}.pdf").status_code == 200
        assert client.get(f"/forms/plan-view-only/{own}.xlsx").status_code == 403
        other = org.manager2.department_id
        assert client.get(f"/forms/plan-view-only/{other}.xlsx").status_code == 404
        client.force_login(org.admin)
        assert client.get(f"/forms/plan-view-only/{own}.xlsx").status_code == 200
