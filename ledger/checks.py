"""System checks for what PDF printing needs from the machine."""

import ctypes.util
import shutil
import subprocess

from django.conf import settings
from django.core.checks import Warning, register


def cjk_font_available(family: str) -> bool:
    """True if fontconfig knows a font of ``family`` covering Chinese."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run(
                [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        return any(family.lower() in line.lower() for line in out.splitlines())
    from pathlib import Path

    return any(Path("/usr/share/fonts").rglob("NotoSansCJK*"))


def harfbuzz_subsetter_available() -> bool:
    """True if WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError):
        return bool(ctypes.util.find_library("harfbuzz-subset"))
    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@register("ledger")
def check_pdf_dependencies(app_configs, **kwargs):
    problems = []
    family = settings.LEDGER_PDF_FONT_FAMILY
    if not cjk_font_available(family):
        problems.append(
            Warning(
                f"No CJK font '{family}' found: printed forms will show boxes instead of "
                "Chinese text.",
                hint="sudo apt-get install -y fonts-noto-cjk",
                id="ledger.W001",
            )
        )
    if not harfbuzz_subsetter_available():
        problems.append(
            Warning(
                "HarfBuzz's font subsetter (libharfbuzz-subset0) is missing: WeasyPrint falls "
                "back to fontTools and every PDF takes seconds instead of a fraction of one.",
                hint="sudo apt-get install -y libharfbuzz-subset0",
                id="ledger.W002",
            )
        )
    return problems
