"""The interface speaks Simplified Chinese: every message is translated and compiled."""

import gettext
import re
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
