"""The interface speaks Simplified Chinese: every message is translated and compiled."""

import gettext
import re
from html import unescape
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _unquote(lines):
    return (
        "".join(re.match(r'^"(.*)"$', line.strip()).group(1) for line in lines)
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


def po_entries():
    """(msgid, msgstr) pairs of the catalogue; plural entries give their first form."""
    entries, key, buffers = [], None, {}
    for raw in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if "msgid" in buffers:
                msgstr = buffers.get("msgstr", buffers.get("msgstr[0]", []))
                entries.append((_unquote(buffers["msgid"]), _unquote(msgstr)))
            buffers, key = {}, None
            continue
        match = re.match(r"^(msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s+(\".*\")$", line)
        if match:
            key = match.group(1)
            buffers.setdefault(key, []).append(match.group(2))
        elif key:
            buffers[key].append(line)
    return [(i, s) for i, s in entries if i]


def test_every_message_is_translated():
    entries = po_entries()
    assert len(entries) > 150
    missing = [msgid for msgid, msgstr in entries if not msgstr]
    assert missing == []


def test_the_compiled_catalogue_matches_the_source():
    catalogue = gettext.GNUTranslations(open(PO.with_suffix(".mo"), "rb"))  # noqa: SIM115
    stale = [msgid for msgid, msgstr in po_entries() if catalogue.gettext(msgid) != msgstr]
    assert stale == [], "run: python manage.py compilemessages -l zh_Hans --ignore=.venv"


@pytest.mark.parametrize(
    "english, chinese", [("Customer ledger", "客户管理台账"), ("Log in", "登录")]
)
def test_chinese_is_the_default(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese


def test_the_browser_language_does_not_switch_to_english(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page


def test_english_can_be_chosen(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page


# --- Every message a user can see has a zh-hans translation -------------------------------

ROOT = LOCALE.parent
SOURCE_DIRS = ("accounts", "contracts", "ledger", "sales", "visits", "templates", "static")
# Keywords makemessages extracts; a translation function imported under another name would
# silently drop its strings from the catalogue (as ``gettext_lazy as _lazy`` once did).
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}


def parse_po(path):
    """{(msgctxt, msgid): (msgstr, fuzzy, obsolete)} of a .po file."""
    entries = {}
    for block in Path(path).read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        obsolete = any(line.startswith("#~ msgid") for line in lines)
        body = [
            line.removeprefix("#~ ")
            for line in lines
            if not line.startswith("#") or line.startswith("#~ ")
        ]
        fields, key = {}, None
        for line in body:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s+(".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = [match.group(2)]
            elif key and line.startswith('"'):
                fields[key].append(line)
        if fields.get("msgid") and _unquote(fields["msgid"]):
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ['""']))
            context = _unquote(fields["msgctxt"]) if "msgctxt" in fields else None
            entries[(context, _unquote(fields["msgid"]))] = (_unquote(msgstr), fuzzy, obsolete)
    return entries


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """The app's own messages, extracted from the source by makemessages in a scratch copy."""
    import shutil
    import subprocess
    import sys

    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed")
    copy = tmp_path_factory.mktemp("messages")
    for name in SOURCE_DIRS:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-v", "0"],
        cwd=copy,
        check=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "ledger.settings", "DEBUG": "1"},
    )
    return parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")


def test_the_source_yields_the_messages_the_catalogue_must_have(source_messages):
    # The extraction itself works: strings from Python, templates and lazy class attributes.
    keys = {msgid for _context, msgid in source_messages}
    assert {"Customer ledger", "Contact saved.", "Edit contact", "Event recorded."} <= keys


def test_every_message_of_the_app_has_a_current_translation(source_messages):
    catalogue = parse_po(PO)
    problems = []
    for key, _entry in sorted(source_messages.items(), key=lambda item: item[0][1]):
        msgstr, fuzzy, obsolete = catalogue.get(key, ("", False, False))
        if not msgstr:
            problems.append(("missing", key[1]))
        elif fuzzy:
            problems.append(("fuzzy", key[1]))
        elif obsolete:
            problems.append(("obsolete", key[1]))
    assert problems == [], "\n".join(f"{state}: {msgid!r}" for state, msgid in problems)


def test_no_fuzzy_entry_is_left_in_the_catalogue():
    assert [msgid for (_c, msgid), (_s, fuzzy, _o) in parse_po(PO).items() if fuzzy] == []


def test_translation_functions_are_imported_under_names_makemessages_extracts():
    pattern = re.compile(r"from django\.utils\.translation import ([^\n]+)")
    wrong = []
    for name in ("accounts", "contracts", "ledger", "sales", "visits"):
        for path in (ROOT / name).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                for item in match.group(1).strip("()").split(","):
                    name, alias = item.split(" as ")[0].strip(), item.split(" as ")[-1].strip()
                    if "gettext" in name and alias not in EXTRACTED_NAMES:
                        wrong.append(f"{path.relative_to(ROOT)}: {item.strip()}")
    assert wrong == []


def package_messages(package):
    """The msgids a third-party package's Python code passes to gettext."""
    import importlib
    import shutil
    import subprocess

    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed")
    folder = Path(importlib.import_module(package).__file__).parent
    files = [
        str(path)
        for path in folder.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]
    keywords = [
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext:1,2",
        "ngettext_lazy:1,2",
        "pgettext:1c,2",
        "pgettext_lazy:1c,2",
    ]
    pot = subprocess.run(
        [
            "xgettext",
            "-L",
            "Python",
            "--from-code=UTF-8",
            "--no-location",
            "-o",
            "-",
            *[f"--keyword={k}" for k in keywords],
            *files,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({msgid for (_c, msgid) in _parse_po_text(pot)})


def _parse_po_text(text):
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".po", encoding="utf-8", delete=False) as f:
        f.write(text)
    return parse_po(f.name)


# Messages a package builds at run time (an f-string inside gettext) cannot be translated.
UNTRANSLATABLE = {"Cleaned up {count} expired access attempts."}


@pytest.mark.parametrize("package", ["axes", "django_filters", "django_tables2"])
def test_the_third_party_messages_users_see_are_translated(package):
    """The lockout section of the admin (django-axes), the filters (django-filter) and the
    tables (django-tables2) speak Chinese: each package's messages are translated by its own
    zh_Hans catalogue or by the project's."""
    messages = [m for m in package_messages(package) if m not in UNTRANSLATABLE]
    assert messages
    with translation.override("zh-hans"):
        untranslated = [m for m in messages if translation.gettext(m) == m]
    assert untranslated == []


def test_the_admin_lockout_section_is_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    for english in ("Axes", "Access attempts", "Access failures", "Access logs"):
        assert english not in page
    for url in ("/admin/axes/accessattempt/", "/admin/axes/accesslog/"):
        assert "登录" in admin_client.get(url).content.decode()


@pytest.mark.parametrize(
    "url, part",
    [
        ("/admin/", r"<body.*</body>"),
        ("/admin/axes/accessattempt/", r"<body.*</body>"),
        # The log's rows and filter values are data (user names, browsers): the headings only.
        ("/admin/axes/accesslog/", r"<thead>.*?</thead>|<summary>.*?</summary>"),
    ],
)
def test_the_admin_pages_have_no_english_words(admin_client, url, part):
    page = admin_client.get(url).content.decode()
    html = " ".join(re.findall(part, page, flags=re.S))
    assert html
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    # The language switch names English in English; "IP" is how IP addresses are called.
    assert sorted(set(re.findall(r"[A-Za-z]{2,}", text)) - {"English", "IP"}) == []
