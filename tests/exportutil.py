"""Shared fixtures for the export tests: a real-bank form, and a small form whose texts would be
markup, formulas, emoji or line breaks if any writer interpreted them."""
from __future__ import annotations

from assembler.assemble import AssemblyOptions, assemble_forms
from assembler.bank.models import Bank, Item
from assembler.blueprint import build_blueprint
from assembler.form import Form, FormEntry
from assembler.standard import Kind
from assembler.structure import ItemType

CREATED = "2026-01-01T00:00:00+00:00"
HOSTILE_STEM = "含 <b>标记</b> & 实体&amp; 与公式 =SUM(A1) 🙂\n第二行，**不**应被解释（    ）。"
HOSTILE_OPTION = "=SUM(A1)+1"
EMOJI_OPTION = "👍 点赞 <i>斜体</i>"
BREAK_OPTION = "第一行\n第二行"


def real_forms(std, bank, n=2, seed=42) -> list[Form]:
    bp = build_blueprint(std, "4", "A", "theory")
    return assemble_forms(bank, bp, n, seed, AssemblyOptions(created=CREATED), std)


def hostile_bank() -> Bank:
    return Bank((
        Item("H-J-1", ItemType.JUDGE, "4", "内容创作", "2.1.1", "+判断 @提及 -负号 <script>x</script>", (), "×",
             explanation="=1+1 不是公式 & <br> 也不是标记"),
        Item("H-S-1", ItemType.SINGLE, "4", "内容创作", "2.1.2", HOSTILE_STEM,
             (("A", HOSTILE_OPTION), ("B", EMOJI_OPTION), ("C", BREAK_OPTION), ("D", "普通选项")), "A",
             explanation="A 是 =SUM(A1)+1；B 不对。", shuffle=False),
        Item("H-M-1", ItemType.MULTIPLE, "4", "数据分析", "3.1.1", "多选 &lt;已转义&gt; 的题干（    ）。",
             (("A", "甲"), ("B", "乙 & 丙"), ("C", "-丁"), ("D", "@戊"), ("E", "己")), "ACD"),
    ), ())


def hostile_form() -> Form:
    """A form showing the hostile items with permuted options (displayed letters differ from the bank's)."""
    entries = (
        FormEntry(1, "H-J-1", ItemType.JUDGE, "内容创作", "2.1.1", "工作内容一", 1.0, 3, "", "×"),
        FormEntry(2, "H-S-1", ItemType.SINGLE, "内容创作", "2.1.2", "工作内容一", 1.0, 3, "BADC", "B"),
        FormEntry(3, "H-M-1", ItemType.MULTIPLE, "数据分析", "3.1.1", "工作内容二", 2.5, 4, "EDCBA", "BCE"),
    )
    return Form("4A-T-9-01", "4", "A", Kind.THEORY, "standard", "全媒体运营师（四级/中级工）创意策划方向", 9,
                "feedfacefeedface", "0123456789abcdef", CREATED, 90, entries, "测试场")
