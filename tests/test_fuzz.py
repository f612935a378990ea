"""Junk input never gives a 500, on any URL of the project.

The URLs are read from the resolver, so a page added later is fuzzed without editing
this file. Each URL is filled with real ids and with junk, then asked with junk query
parameters (GET) and junk form bodies (POST) by several roles: every answer must be
below 500. Run it on PostgreSQL too (DATABASE_URL): that is where a NUL character in
a string used to fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from ledger.engine import site
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    EventFactory,
    ProductFactory,
    ServiceRecordFactory,
)

JUNK = ["-1", "9" * 30, "²١", "a\x00b", "x" * 3000, "2026-13"]
# Parameter names every URL is sent, besides those of the forms on its page.
COMMON_PARAMS = [
    "page",
    "per_page",
    "sort",
    "q",
    "scope",
    "month",
    "owner",
    "category",
    "kind",
    "status",
    "next",
    "o",
    "p",
    "id",
    "exclude",
    "name",
    "phone",
]
JUNK_IDS = ["9" * 30, "²", "a\x00b"]
FIELD_NAME = re.compile(r"""\sname=["']([^"']+)["']""")
ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?([^()]*)\)")


@dataclass
class Route:
    pattern: str  # as written, for messages
    name: str | None
    build: object  # callable(value) -> path


def _route_builder(prefix_parts):
    """A function that fills every parameter of the joined pattern with one value."""

    def build(value: str, choose_literal: bool = True) -> str:
        path = ""
        for part, is_regex in prefix_parts:
            if is_regex:
                text = part.lstrip("^").rstrip("$")

                def group(match):
                    inner = match.group(1)
                    words = inner.split("|")
                    if choose_literal and all(re.fullmatch(r"\w+", w) for w in words):
                        return words[0]
                    if inner == ".*":
                        return "no-such-page/"
                    return quote(value, safe="")

                text = REGEX_GROUP.sub(group, text)
                path += text.replace("\\", "")
            else:
                path += ROUTE_PARAM.sub(lambda m: quote(value, safe=""), part)
        return "/" + path

    return build


def all_routes() -> list[Route]:
    routes = []

    def walk(patterns, parts):
        for entry in patterns:
            pattern = entry.pattern
            here = [*parts, (str(pattern), isinstance(pattern, RegexPattern))]
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, here)
            elif isinstance(entry, URLPattern):
                text = "".join(p for p, _ in here)
                routes.append(Route(text, entry.name, _route_builder(here)))

    walk(get_resolver().url_patterns, [])
    return routes


def _has_params(route: Route) -> bool:
    return bool(ROUTE_PARAM.search(route.pattern) or REGEX_GROUP.search(route.pattern))


def _last(route: Route) -> bool:
    """Routes that end the session or delete records go last, so the rest see data."""
    text = f"{route.name or ''} {route.pattern}"
    return "logout" in text or "delete" in text


@pytest.fixture
def data(org):
    customer = CustomerFactory(owner=org.sales1, name="模糊测试客户")
    other = CustomerFactory(owner=org.sales3, name="二部客户")
    objects = [
        customer,
        other,
        ContactFactory(customer=customer),
        EventFactory(customer=customer),
        ServiceRecordFactory(customer=customer),
        ProductFactory(),
        org.sales1,
    ]
    ids = sorted({str(obj.pk) for obj in objects})
    codes = [register.code for register in site]
    return ids, codes


def _path_values(route: Route, ids, codes) -> list[str]:
    if not _has_params(route):
        return [""]
    if "<str:code>" in route.pattern:
        return [*codes, "no-such-register", "²", "a\x00b"]
    return [*ids, *JUNK_IDS]


def _fields(response) -> list[str]:
    if (
        response is not None
        and response.get("Content-Type", "").startswith("text/html")
        and not response.streaming
    ):
        found = FIELD_NAME.findall(response.content.decode("utf-8", "replace"))
        return [name for name in found if name != "csrfmiddlewaretoken"]
    return []


def _fuzz(client, user, ids, codes, part: str) -> tuple[list[str], int]:
    failures: list[str] = []
    sent = 0

    def log_in():
        # An admin's junk POST to a delete page may delete the admin (ids of different
        # tables collide): put the user back and go on.
        if not type(user).objects.filter(pk=user.pk).exists():
            user.save(force_insert=True)
        client.force_login(user)

    def ask(method, path, **kwargs):
        nonlocal sent
        sent += 1
        try:
            response = getattr(client, method)(path, **kwargs)
        except Exception as exc:
            failures.append(f"{method.upper()} {path!r} {kwargs!r:.200}: {exc!r:.300}")
            return None
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {path!r} {kwargs!r:.200}: {response.status_code}")
        return response

    real = {"", *ids, *codes}
    routes = [r for r in all_routes() if r.pattern.startswith("admin/") == (part == "admin")]
    for route in sorted(routes, key=_last):
        # Every path value gets a plain GET; junk in the path one junk POST too. The
        # first real value the role may open (else the first real value) is then sent
        # every junk value as query parameters and as a form body.
        chosen = None
        for value in _path_values(route, ids, codes):
            log_in()
            path = route.build(value)
            response = ask("get", path)
            if value not in real and value == JUNK_IDS[0]:
                ask("post", path, data={"name": "a\x00b", "id": "²"})
            elif chosen is None or (
                (chosen[1] is None or chosen[1].status_code >= 400)
                and (response is not None and response.status_code < 400)
            ):
                chosen = (path, response)
        if chosen is None:
            continue
        path, response = chosen
        names = list(dict.fromkeys([*_fields(response), *COMMON_PARAMS]))
        log_in()
        if response is None or response.status_code >= 300:
            # Refused or sent elsewhere (a role without access): one round, every name
            # with a different junk value, is enough to walk the refusal path.
            rounds = [{name: JUNK[i % len(JUNK)] for i, name in enumerate(names)}]
        else:
            rounds = [dict.fromkeys(names, junk) for junk in JUNK]
        for params in rounds:
            ask("get", path, data=params)
            ask("post", path, data=params)
        ask(
            "post",
            path,
            data="name=名称&id=1",
            content_type="application/x-www-form-urlencoded; charset=utf-16",
        )
    return failures, sent


@pytest.fixture
def quick_pdf(monkeypatch):
    """The print templates still render with the junk; only WeasyPrint's layout (seconds
    per page, and covered by the PDF tests) is skipped, to keep the fuzz test bounded."""
    monkeypatch.setattr("ledger.engine.pdf.html_to_pdf", lambda html: b"%PDF-1.7 fuzz")


@pytest.mark.parametrize("part", ["admin", "app"])  # Django's admin, the rest (run in parallel)
@pytest.mark.parametrize("role", ["admin", "sales1", "production1"])
def test_no_url_answers_junk_with_a_server_error(client, org, data, quick_pdf, role, part):
    ids, codes = data
    failures, sent = _fuzz(client, getattr(org, role), ids, codes, part)
    assert sent > 200
    assert not failures, "\n".join(failures)


def test_every_route_is_reached_with_real_values(data):
    """The fuzzer fills each pattern so that it resolves: no URL is skipped unseen."""
    from django.urls import Resolver404, resolve

    ids, codes = data
    missed = []
    for route in all_routes():
        value = _path_values(route, ids, codes)[0]
        try:
            resolve(route.build(value).split("?")[0])
        except Resolver404:
            missed.append(route.pattern)
    assert missed == []
