"""The bank loader's parse cache: its key follows the parser's own code, not a hand-bumped version."""
import importlib
import sys

from assembler.bank import loader
from assembler.bank.loader import read_bank

YAML = ("items:\n- id: Y-1\n  type: judge\n  level: '4'\n  function: 内容创作\n  code: 2.1.1\n"
        "  stem: 缓存键随解析代码变化的判断题陈述。\n  answer: √\n")


def test_the_code_hash_changes_when_a_parser_module_changes(tmp_path, monkeypatch):
    (tmp_path / "fake_parser.py").write_text("RULE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(loader, "_PARSER_MODULES", ("fake_parser",))
    loader.parser_code_hash.cache_clear()
    try:
        before = loader.parser_code_hash()
        (tmp_path / "fake_parser.py").write_text("RULE = 2\n", encoding="utf-8")
        loader.parser_code_hash.cache_clear()
        assert loader.parser_code_hash() != before
    finally:
        sys.modules.pop("fake_parser", None)
        loader.parser_code_hash.cache_clear()


def test_the_real_parser_modules_are_hashed():
    for name in loader._PARSER_MODULES:
        assert importlib.import_module(name).__file__
    assert len(loader.parser_code_hash()) == 16


def test_another_parser_reparses_instead_of_reading_the_old_entry(tmp_path, monkeypatch, std):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZUJUAN_CACHE", str(cache))
    (tmp_path / "a.yaml").write_text(YAML, encoding="utf-8")
    first, _ = read_bank([tmp_path / "a.yaml"], std)
    assert len(list(cache.iterdir())) == 1
    read_bank([tmp_path / "a.yaml"], std)
    assert len(list(cache.iterdir())) == 1  # same parser: the entry is reused
    monkeypatch.setattr(loader, "parser_code_hash", lambda: "0123456789abcdef")
    again, _ = read_bank([tmp_path / "a.yaml"], std)
    assert len(list(cache.iterdir())) == 2 and again == first


def test_a_copied_file_reuses_the_entry_and_names_its_own_path(tmp_path, monkeypatch, std):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZUJUAN_CACHE", str(cache))
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.yaml").write_text(YAML, encoding="utf-8")
    first, _ = read_bank([tmp_path / "a" / "x.yaml"], std)
    second, _ = read_bank([tmp_path / "b" / "x.yaml"], std)
    assert len(list(cache.iterdir())) == 1  # one entry serves both copies
    assert first.items[0].origin.file == str(tmp_path / "a" / "x.yaml")
    assert second.items[0].origin.file == str(tmp_path / "b" / "x.yaml")


def test_a_file_that_spells_its_own_path_keeps_a_path_bound_entry(tmp_path, monkeypatch, std):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZUJUAN_CACHE", str(cache))
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        path = tmp_path / d / "x.yaml"
        path.write_text(YAML.replace("缓存键", f"文件 {tmp_path / 'a' / 'x.yaml'} 的缓存键"), encoding="utf-8")
    first, _ = read_bank([tmp_path / "a" / "x.yaml"], std)
    second, _ = read_bank([tmp_path / "b" / "x.yaml"], std)
    assert len(list(cache.iterdir())) == 2
    assert str(tmp_path / "a" / "x.yaml") in first.items[0].stem == second.items[0].stem
    assert second.items[0].origin.file == str(tmp_path / "b" / "x.yaml")
