"""A bank folder read twice in one process is normalised and checked once, and any change is seen."""
import os
import shutil
from pathlib import Path

from assembler.bank.loader import read_bank

ROOT = Path(__file__).resolve().parents[1]


def test_an_unchanged_folder_gives_the_same_bank_and_a_changed_one_is_read_again(tmp_path, std):
    bank_dir = tmp_path / "bank"
    (bank_dir / "theory").mkdir(parents=True)
    shutil.copy(ROOT / "question_bank" / "theory" / "L4-SCFX.yaml", bank_dir / "theory")
    first, problems = read_bank([bank_dir], std)
    again, problems_again = read_bank([bank_dir], std)
    assert again is first and problems_again == problems and problems_again is not problems
    target = bank_dir / "theory" / "L4-SCFX.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("id: L4-SCFX-001", "id: L4-SCFX-999", 1), encoding="utf-8")
    changed, _ = read_bank([bank_dir], std)
    assert changed is not first and "L4-SCFX-999" in {i.id for i in changed.items}
    # a material or picture file (not a bank file) counts as a change too
    (bank_dir / "new-material.png").write_text("x", encoding="utf-8")
    assert read_bank([bank_dir], std)[0] is not changed


def test_the_same_folder_named_another_way_keeps_its_own_names(tmp_path, std, monkeypatch):
    bank_dir = tmp_path / "bank"
    (bank_dir / "theory").mkdir(parents=True)
    shutil.copy(ROOT / "question_bank" / "theory" / "L4-SCFX.yaml", bank_dir / "theory")
    absolute, _ = read_bank([bank_dir], std)
    monkeypatch.chdir(tmp_path)
    relative, _ = read_bank(["bank"], std)
    assert relative is not absolute
    assert relative.items[0].origin.file.startswith("bank" + os.sep)
    assert absolute.items[0].origin.file.startswith(str(bank_dir))


def test_a_single_file_is_always_read_afresh(tmp_path, std):
    f = tmp_path / "one.yaml"
    shutil.copy(ROOT / "question_bank" / "theory" / "L4-SCFX.yaml", f)
    assert read_bank([f], std)[0] is not read_bank([f], std)[0]


def test_a_bank_read_again_between_many_others_stays_remembered(tmp_path, std):
    from assembler.bank.loader import _READ_MEMO_SIZE

    folders = []
    for k in range(_READ_MEMO_SIZE + 2):
        folder = tmp_path / f"bank{k}" / "theory"
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "question_bank" / "theory" / "L4-SCFX.yaml", folder)
        folders.append(folder.parent)
    main, _ = read_bank([folders[0]], std)
    for other in folders[1:]:  # more other banks than the memo holds, the first one used again in between
        read_bank([other], std)
        assert read_bank([folders[0]], std)[0] is main


def test_a_large_bank_parsed_in_several_processes_equals_the_serial_parse(tmp_path, std, monkeypatch):
    from assembler.bank import loader

    folder = tmp_path / "bank" / "theory"
    folder.mkdir(parents=True)
    for name in ("L4-SCFX.yaml", "L3-SCFX.yaml", "JC-ZYDD.yaml"):
        shutil.copy(ROOT / "question_bank" / "theory" / name, folder)
    monkeypatch.setenv("ZUJUAN_CACHE", "off")  # every file is a cache miss
    serial, serial_problems = read_bank([folder.parent], std)
    loader.forget_read_banks()
    monkeypatch.setattr(loader, "PARALLEL_BYTES", 0)  # the pool for any size
    parallel, parallel_problems = read_bank([folder.parent], std)
    assert parallel is not serial
    assert parallel == serial and parallel_problems == serial_problems
