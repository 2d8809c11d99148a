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
        Item(id="H-J-1", type=ItemType.JUDGE, level="4", function="内容创作", code="2.1.1",
             stem="+判断 @提及 -负号 <script>x</script>", options=(), answer="×",
             explanation="=1+1 不是公式 & <br> 也不是标记"),
        Item(id="H-S-1", type=ItemType.SINGLE, level="4", function="内容创作", code="2.1.2", stem=HOSTILE_STEM,
             options=(("A", HOSTILE_OPTION), ("B", EMOJI_OPTION), ("C", BREAK_OPTION), ("D", "普通选项")), answer="A",
             explanation="A 是 =SUM(A1)+1；B 不对。", shuffle=False),
        Item(id="H-M-1", type=ItemType.MULTIPLE, level="4", function="数据分析", code="3.1.1",
             stem="多选 &lt;已转义&gt; 的题干（    ）。",
             options=(("A", "甲"), ("B", "乙 & 丙"), ("C", "-丁"), ("D", "@戊"), ("E", "己")), answer="ACD"),
    ), ())


def hostile_form() -> Form:
    """A form showing the hostile items with permuted options (displayed letters differ from the bank's)."""
    entries = (
        FormEntry(number=1, id="H-J-1", type=ItemType.JUDGE, function="内容创作", code="2.1.1", work_content="工作内容一",
                  points=1.0, difficulty=3, permutation="", answer="×"),
        FormEntry(number=2, id="H-S-1", type=ItemType.SINGLE, function="内容创作", code="2.1.2", work_content="工作内容一",
                  points=1.0, difficulty=3, permutation="BADC", answer="B"),
        FormEntry(number=3, id="H-M-1", type=ItemType.MULTIPLE, function="数据分析", code="3.1.1", work_content="工作内容二",
                  points=2.5, difficulty=4, permutation="EDCBA", answer="BCE"),
    )
    return Form(code="4A-T-9-01", level="4", direction="A", kind=Kind.THEORY, structure="standard",
                title="全媒体运营师（四级/中级工）创意策划方向", seed=9,
                bank_hash="feedfacefeedface", blueprint_hash="0123456789abcdef", created=CREATED, duration_minutes=90,
                entries=entries, session="测试场")


STEM_PIC, OPTION_PIC = "images/00000000000000aa.png", "images/00000000000000bb.png"


def png(r: int, g: int, b: int) -> bytes:
    """Return a real 2×2 PNG of one colour."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes((r, g, b)) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pictured_bank(folder) -> tuple[Bank, bytes, bytes]:
    """Return the hostile bank with a picture in H-S-1's stem and in its option D (shown as letter
    C), the picture files written under folder, and the two pictures' bytes."""
    import dataclasses

    from assembler.bank.models import Origin

    (folder / "images").mkdir(exist_ok=True)
    stem_png, option_png = png(200, 30, 30), png(30, 30, 200)
    (folder / STEM_PIC).write_bytes(stem_png)
    (folder / OPTION_PIC).write_bytes(option_png)
    origin = Origin(str(folder / "bank.yaml"))
    items = []
    for it in hostile_bank().items:
        it = dataclasses.replace(it, origin=origin)
        if it.id == "H-S-1":
            opts = tuple((k, v + f"![示意图]({OPTION_PIC})" if k == "D" else v) for k, v in it.options)
            it = dataclasses.replace(it, stem=it.stem + f"\n![图]({STEM_PIC})", options=opts)
        items.append(it)
    return Bank(tuple(items), ()), stem_png, option_png
