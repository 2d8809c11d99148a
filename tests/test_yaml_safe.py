"""The one YAML loader: base-60 numbers of YAML 1.1 stay text (an option 16:9 must not print as 969)."""
from pathlib import Path

from assembler.bank import read_bank
from assembler.yaml_safe import load_yaml


def test_plain_ratios_and_clock_times_stay_text():
    data = load_yaml("a: 16:9\nb: [9:16, 1:1, 4:3]\nc: 1:30:00\nd: 190:00.5\ne: 12\nf: 3.5\ng: '4:3'\nh: 2026-01-01\n")
    assert data["a"] == "16:9" and data["b"] == ["9:16", "1:1", "4:3"] and data["c"] == "1:30:00" and data["d"] == "190:00.5"
    assert data["e"] == 12 and data["f"] == 3.5 and data["g"] == "4:3" and str(data["h"]) == "2026-01-01"


def test_an_unquoted_ratio_option_reaches_the_paper_as_written(tmp_path, std):
    f = tmp_path / "L4-NRCZ.yaml"
    f.write_text("""items:
  - id: L4-NRCZ-901
    type: single
    level: 4
    function: 内容创作
    code: "2.3.1"
    stem: 竖屏短视频最常用的画面比例是（    ）。
    options:
      A: 16:9
      B: 4:3
      C: 9:16
      D: 1:1
    answer: C
    difficulty: 2
    explanation: 手机竖屏观看的短视频以9:16为主；16:9、4:3是横屏比例，1:1是方形画面。
""", encoding="utf-8")
    bank, problems = read_bank([Path(f)], std)
    assert [p for p in problems if p.severity == "error"] == []
    assert dict(bank.get("L4-NRCZ-901").options) == {"A": "16:9", "B": "4:3", "C": "9:16", "D": "1:1"}
