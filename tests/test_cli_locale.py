"""click's own messages come from the Chinese catalog of its domain (assembler/cli_locale.py)."""
import gettext
import io
import os
import re
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from assembler.cli import main
from assembler.cli_locale import DOMAIN, LOCALE_DIR, chinese_click

PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "click.po"
MO = PO.with_suffix(".mo")


def catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def test_the_shipped_mo_is_the_compiled_po():
    buf = io.BytesIO()
    write_mo(buf, catalog())
    buf.seek(0)

    def messages(f):
        return {k: v for k, v in gettext.GNUTranslations(f)._catalog.items() if k != ""}  # "" is the header

    with MO.open("rb") as f:
        shipped = messages(f)
    assert shipped == messages(buf), "click.mo 已过期：运行 pybabel compile -d assembler/locale -D click -l zh_CN"
    assert len(shipped) >= 70


def test_every_message_of_the_installed_click_is_translated():
    cat = catalog()
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id and m.string and all(m.string)}
    found = {msgid if isinstance(msgid, str) else msgid[0]
             for _lineno, msgid, _comments, _context in
             ((x[1], x[2], x[3], x[4]) for x in extract_from_dir(Path(click.__file__).parent))}
    assert found, "no messages extracted from click"
    assert sorted(found - translated) == []


def test_translations_use_only_the_placeholders_click_passes():
    def names(text):
        return set(re.findall(r"\{(\w+)", text)) | set(re.findall(r"%\((\w+)\)", text))

    for m in catalog():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        allowed = set().union(*(names(i) for i in ids))
        for s in strings:
            assert names(s) <= allowed, (m.id, s)


def test_the_process_locale_is_restored_after_a_command():
    before = (gettext.textdomain(), gettext.bindtextdomain(DOMAIN), os.environ.get("LANGUAGE"))
    with chinese_click():
        assert gettext.textdomain() == DOMAIN
        assert click.exceptions._("Missing option") == "缺少必填选项"
    CliRunner().invoke(main, ["--help"])
    assert (gettext.textdomain(), gettext.bindtextdomain(DOMAIN), os.environ.get("LANGUAGE")) == before


@pytest.mark.parametrize("lang", ["C.UTF-8", "en_US.UTF-8", "de_DE"])
def test_chinese_whatever_the_machine_locale(monkeypatch, lang):
    monkeypatch.setenv("LANG", lang)
    monkeypatch.setenv("LANGUAGE", lang)
    r = CliRunner().invoke(main, ["generate", "--help"])
    assert r.exit_code == 0
    assert r.output.startswith("用法：zujuan generate [选项]\n")
    assert "[必填]" in r.output and "[默认：1; 1<=x<=100]" in r.output and "显示本帮助并退出。" in r.output
    assert not re.search(r"Usage|Options|required|default:|Show this", r.output)
    r = CliRunner().invoke(main, ["generate", "--level", "4", "--forms", "0"])
    assert r.output == "错误：'--forms' 的值无效：0 不在取值范围 1<=x<=100 之内。（运行 zujuan generate --help 查看用法）\n"
    assert os.environ["LANGUAGE"] == lang
