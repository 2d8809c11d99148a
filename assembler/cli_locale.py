"""Chinese for click's own messages, from a gettext catalog of click's domain.

click passes every message it shows (usage errors, help headings, "[default: …]") through
gettext.gettext/ngettext, i.e. through the process's current text domain and the languages named
by LANGUAGE/LC_ALL/LC_MESSAGES/LANG. zujuan's CLI is Chinese whatever the machine's locale, so
while a command runs, chinese_click() makes `click` the text domain, binds it to the catalog shipped
in assembler/locale/zh_CN/LC_MESSAGES/click.mo and asks for zh_CN; afterwards it puts back what
was there. The catalog's msgids are click's own, so the translations survive a click upgrade
(tests/test_cli_locale.py fails when a new click brings a message the catalog lacks).
"""
from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "click"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGE = "zh_CN"


@contextmanager
def chinese_click() -> Iterator[None]:
    """Make click speak Chinese inside the block (text domain, catalog folder and language)."""
    old_domain = gettext.textdomain()
    old_dir = gettext.bindtextdomain(DOMAIN)
    old_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = LANGUAGE
    try:
        yield
    finally:
        gettext.textdomain(old_domain)
        gettext.bindtextdomain(DOMAIN, old_dir)
        if old_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = old_language
