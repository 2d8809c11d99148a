"""Convert raw records (from YAML or a workbook row) into Items and Tasks, collecting problems.

Readers give a record as a dict with canonical English keys, plus a `column` function that
names a key as the user sees it (a YAML field, or a workbook column such as 「答案」(L列)).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from ..errors import InputError, Problem
from ..standard import BASIC_FUNCTIONS, Standard, parse_level
from ..structure import ItemType
from .models import (
    FALSE_MARK,
    FILE_FIELD_SEP,
    LETTERS,
    TRUE_MARK,
    FileSource,
    Item,
    Material,
    Origin,
    RubricRow,
    Status,
    Task,
    TaskFile,
)
from .quality import EMPHASIS, NEGATION

TYPE_ALIASES = {
    "judge": ItemType.JUDGE, "判断题": ItemType.JUDGE, "判断": ItemType.JUDGE,
    "single": ItemType.SINGLE, "单选题": ItemType.SINGLE, "单项选择题": ItemType.SINGLE, "单选": ItemType.SINGLE,
    "multiple": ItemType.MULTIPLE, "多选题": ItemType.MULTIPLE, "多项选择题": ItemType.MULTIPLE, "多选": ItemType.MULTIPLE,
    "task": ItemType.TASK, "操作题": ItemType.TASK, "操作技能题": ItemType.TASK,
}
JUDGE_ALIASES = {
    "√": TRUE_MARK, "✓": TRUE_MARK, "✔": TRUE_MARK, "对": TRUE_MARK, "正确": TRUE_MARK, "T": TRUE_MARK, "TRUE": TRUE_MARK,
    "×": FALSE_MARK, "✗": FALSE_MARK, "✘": FALSE_MARK, "X": FALSE_MARK, "错": FALSE_MARK, "错误": FALSE_MARK,
    "F": FALSE_MARK, "FALSE": FALSE_MARK,
}
STATUS_ALIASES = {"active": Status.ACTIVE, "启用": Status.ACTIVE, "在用": Status.ACTIVE, "": Status.ACTIVE,
                  "retired": Status.RETIRED, "停用": Status.RETIRED, "退役": Status.RETIRED, "已停用": Status.RETIRED,
                  "draft": Status.DRAFT, "待标注": Status.DRAFT, "草稿": Status.DRAFT,
                  "review": Status.REVIEW, "待审": Status.REVIEW}
BOOL_ALIASES = {"是": True, "否": False, "yes": True, "no": False, "true": True, "false": False, "y": True, "n": False,
                "1": True, "0": False, "": True}
_LETTER_REF = re.compile(r"(?<![A-Za-z])[A-E](?:[、，,和与及/]\s*[A-E])*\s*(?:项|选项|错误|正确|不对|对)|选项\s*[A-E](?![A-Za-z])"
                         # 「A 符合要求」「B 把……弄反了」「D 虽……」: a letter as the subject of a verdict
                         r"|(?<![A-Za-z0-9/])[A-E](?:[、，,和与及]\s*[A-E])*(?![A-Za-z0-9/])\s*"
                         r"(?:符合|不符|把|将|混淆|误|只看|虽|的做法|所述|忽略|漏|颠倒|错在|违反|正是)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff\ufffe\uffff]")


class RecordContext:
    """Collects the problems of one record, located at its origin."""

    def __init__(self, origin: Origin, column: Callable[[str], str], problems: list[Problem], record_id: str = ""):
        self.origin, self.column, self.problems, self.record_id = origin, column, problems, record_id

    def add(self, key: str, message: str, hint: str = "", severity: str = "error") -> None:
        prefix = f"题目 {self.record_id}：" if self.record_id and not self.origin.sheet else ""
        self.problems.append(Problem(prefix + message, file=self.origin.file, sheet=self.origin.sheet,
                                     row=self.origin.row, column=self.column(key) if key else "",
                                     hint=hint, severity=severity))


def clean_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# National-bank style writes numbers and units together: 「30元」, not 「30 元」.
_CAPTION_NUMBER = re.compile(r"[表图]\d+$")  # 「表1 某账号数据」: a caption's number keeps its space
_NUMBER_SPACE = re.compile(r"[\d%％] +[\u4e00-\u9fff]|[\u4e00-\u9fff，。；：、（）] +\d[\d.,]*")


def check_text(ctx: RecordContext, key: str, text: str) -> str:
    if len(text) > MAX_TEXT:
        ctx.add(key, f"文字过长：{len(text)} 个字符，超过 {MAX_TEXT} 个（Excel 单元格的上限）", "删减内容或拆成多道题")
        return text[:MAX_TEXT]
    bad = _CONTROL.findall(text)
    if bad:
        codes = "、".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        ctx.add(key, f"含有控制字符或不可见字符（{codes}）", "删除这些字符后重新保存")
    spaced = next((m for m in _NUMBER_SPACE.finditer(text) if not _CAPTION_NUMBER.search(text, 0, m.start() + 1)), None)
    if spaced:
        near = text[max(0, spaced.start() - 4):spaced.end() + 4]
        ctx.add(key, f"数字与汉字之间有空格（「{near}」），与国家题库的书写体例不一致",
                "删除数字与单位、汉字之间的空格，如「30 元」写作「30元」", "warning")
    return unicodedata.normalize("NFC", text)


MAX_POINTS = 100  # a paper has 100 points: no task or rubric row can carry more
MAX_MINUTES = 600  # a task's assessment time in minutes
MAX_TEXT = 32_767  # an Excel cell holds at most this many characters: longer text cannot be exported
_ID_BAD = re.compile(r"[^\x21-\x7e\u3400-\u4dbf\u4e00-\u9fff]")


def id_key(item_id: str) -> str:
    """Return the key two ids must not share: NFKC-normalised, case-folded (abc-1 = ABC-1 = ａｂｃ-１)."""
    return unicodedata.normalize("NFKC", item_id).casefold()


def check_id(ctx: RecordContext, rid: str) -> None:
    """Add a problem if an id holds anything but visible ASCII and CJK characters, naming them."""
    if re.search(r"\s", rid):
        ctx.add("id", f"题号「{rid}」含有空白字符", "题号只用字母、数字和连字符")
        return
    bad = _ID_BAD.findall(rid)
    if bad:
        codes = "、".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        shown = "".join(c if c.isprintable() else "?" for c in rid)
        normal = unicodedata.normalize("NFKC", rid)
        hint = f"改写为「{normal}」" if normal != rid and not _ID_BAD.search(normal) else "题号只用半角字母、数字、连字符和汉字"
        ctx.add("id", f"题号「{shown}」含有全角、控制或不可见字符（{codes}）", hint)


_HASH_NAME = re.compile(r"^[0-9a-f]{16}$")


def check_pictures(ctx: RecordContext, texts: list[tuple[str, str]]) -> None:
    """Check the pictures the texts name (![图](images/….png)): each file exists beside the bank file,
    and one named by a content hash holds that content (so the bank hash covers the picture)."""
    import hashlib
    from pathlib import Path

    from .models import IMAGE_MARK

    base = Path(ctx.origin.file).parent if ctx.origin.file else Path(".")
    for key, text in texts:
        for m in IMAGE_MARK.finditer(text or ""):
            ref = m.group(2)
            path = base / ref
            if ref.startswith(("/", "\\")) or ".." in Path(ref).parts:
                ctx.add(key, f"图片路径「{ref}」应是题库文件旁 images/ 文件夹中的相对路径", "如 images/3fa2c1d4e5b6a7c8.png")
                continue
            try:
                data = path.read_bytes()
            except OSError:
                ctx.add(key, f"图片「{ref}」不存在（应在 {base} 下）", "把图片放回该位置，或删除题目中的图片标记")
                continue
            if _HASH_NAME.match(Path(ref).stem) and hashlib.sha256(data).hexdigest()[:16] != Path(ref).stem:
                ctx.add(key, f"图片「{ref}」的内容与文件名中的摘要不符（图片被替换过）",
                        "换图时用新内容的摘要命名（zujuan bank import 会自动命名），以免题库摘要漏掉这一改动")


def split_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(clean_text(v) for v in value if clean_text(v))
    return tuple(x for x in (p.strip() for p in re.split(r"[,，、;；\s]+", clean_text(value))) if x)


def _parse_type(ctx: RecordContext, raw: object) -> ItemType | None:
    text = clean_text(raw)
    if not text:
        ctx.add("type", "题型为空", "填写 判断题/单选题/多选题/操作题（或 judge/single/multiple/task）")
        return None
    t = TYPE_ALIASES.get(text.lower()) or TYPE_ALIASES.get(text)
    if t is None:
        ctx.add("type", f"题型「{text}」无效", "填写 判断题/单选题/多选题/操作题（或 judge/single/multiple/task）")
    return t


def _parse_level_function(ctx: RecordContext, rec: dict, std: Standard, is_task: bool,
                          draft: bool = False) -> tuple[str | None, str]:
    """Return (level, function); a draft may leave either empty, but what it gives must be valid."""
    function = clean_text(rec.get("function"))
    raw_level = clean_text(rec.get("level"))
    level = None
    if raw_level:
        try:
            level = parse_level(raw_level)
        except InputError:
            ctx.add("level", f"等级「{raw_level}」无效", "填写 4/3/2/1；职业道德、基础知识题留空")
            return None, function
    if not function:
        if not draft:
            ctx.add("function", "职业功能为空", "填写标准中的职业功能名称，如 内容创作、职业道德")
        return level, function
    if function in BASIC_FUNCTIONS:
        if is_task:
            ctx.add("function", f"操作题不考核「{function}」", "操作题应属于某一等级的职业功能")
        elif level is not None:
            ctx.add("level", f"「{function}」题目适用于所有等级，等级应留空（已忽略 {raw_level}）", "清空等级", "warning")
        return None, function
    if level is None:
        if not draft:
            ctx.add("level", "等级为空", "填写 4/3/2/1（只有职业道德、基础知识题不填等级）")
        return None, function
    if std.function(level, function) is None:
        names = "、".join(f.name for f in std.functions_at(level))
        ctx.add("function", f"{std.level(level).name}没有职业功能「{function}」", f"可选：{names}")
    return level, function


def item_from_record(rec: dict, origin: Origin, column: Callable[[str], str], std: Standard,  # noqa: C901
                     problems: list[Problem]) -> Item | Task | None:
    """Return an Item or Task built from a raw record, or None; append every problem found."""
    rid = clean_text(rec.get("id"))
    ctx = RecordContext(origin, column, problems, rid)
    if not rid:
        ctx.add("id", "题号为空", "每道题需要唯一且固定不变的题号，如 L4-NRCZ-001")
    else:
        check_id(ctx, rid)
    t = _parse_type(ctx, rec.get("type"))
    if t is None:
        return None
    if t is ItemType.TASK:
        return _task(rec, ctx, std, rid)
    status = _status(ctx, rec.get("status"))
    draft = status is Status.DRAFT
    level, function = _parse_level_function(ctx, rec, std, False, draft)
    code = clean_text(rec.get("code"))
    if draft and not code:
        pass  # a draft waits for its code (bank suggest-tags)
    elif not code:
        ctx.add("code", "鉴定点代码为空", "填写所考核的相关知识要求代码，如 2.2.3；基础知识法律法规填 2.2.6(11) 这样的代码")
    elif function and (level or function in BASIC_FUNCTIONS):
        allowed = std.knowledge_codes(level or "", function)
        if allowed and code not in allowed:
            parent = std.basic_item(code)
            if parent is not None and parent.subitems:  # e.g. 2.2.6: which of the fifteen laws
                first, last = parent.subitems[0].code, parent.subitems[-1].code
                ctx.add("code", f"{code} 须注明是「{parent.name}」{len(parent.subitems)} 项中的哪一项",
                        f"写成 {first} … {last}")
            else:
                where = f"{std.level(level).name}「{function}」" if level else f"「{function}」"
                ctx.add("code", f"鉴定点代码 {code} 不是{where}的相关知识要求",
                        "可选：" + "、".join(list(allowed)[:40]))
    stem = check_text(ctx, "stem", clean_text(rec.get("stem")))
    if not stem:
        ctx.add("stem", "题干为空", "填写题干")
    options = _options(ctx, rec.get("options"), t)
    answer = _answer(ctx, rec.get("answer"), t, options)
    difficulty = _difficulty(ctx, rec.get("difficulty"))
    p_value = None
    if clean_text(rec.get("p_value")):
        try:
            p_value = float(rec["p_value"])
            if not 0 <= p_value <= 1:  # (NaN fails this too)
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            ctx.add("p_value", f"通过率「{rec.get('p_value')}」应为 0～1 之间的小数", "如 0.65，或留空")
            p_value = None
    explanation = check_text(ctx, "explanation", clean_text(rec.get("explanation")))
    shuffle = _bool(ctx, "shuffle", rec.get("shuffle"))
    if shuffle and options and _LETTER_REF.search(explanation):
        ctx.add("explanation", "解析按字母引用选项，选项乱序后会与试卷不一致",
                "改为引用选项内容，或把该题设为选项不可乱序（shuffle: false）", "warning")
    source = check_text(ctx, "source", clean_text(rec.get("source")))
    enemies = split_list(rec.get("enemies"))
    if t is not ItemType.JUDGE:
        negation = NEGATION.search(EMPHASIS.sub("", stem))
        if negation:
            word = "不" if negation.group(0)[0] == "不" else negation.group(0)[:2]
            ctx.add("stem", f"否定式题干「{negation.group(0)}」中的「{word}」未加着重标记，考生容易看漏",
                    f"写成 **{word}**，试卷上印为加粗加着重号", "warning")
    check_pictures(ctx, [("stem", stem), ("explanation", explanation)]
                   + [(f"option_{k}", v) for k, v in options])
    p_count = rec.get("p_count")
    p_count = p_count if isinstance(p_count, int) and p_count > 0 else None
    return Item(id=rid, type=t, level=level, function=function, code=code, stem=stem, options=options, answer=answer,
                difficulty=difficulty, p_value=p_value, explanation=explanation,
                enemies=enemies, shuffle=shuffle, status=status, source=source, origin=origin, p_count=p_count)


def _options(ctx: RecordContext, raw: object, t: ItemType) -> tuple[tuple[str, str], ...]:
    opts: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        for k, v in raw.items():
            letter = clean_text(k).upper()
            if letter not in LETTERS:
                ctx.add("options", f"选项字母「{k}」无效", "选项只能是 A–E")
                continue
            text = check_text(ctx, f"option_{letter}", clean_text(v))
            if text:
                opts.append((letter, text))
    elif raw not in (None, "", {}, []):
        ctx.add("options", "选项应写成 A: …、B: … 的映射", "参见 question_bank/FORMAT.md")
    opts.sort()
    letters = "".join(k for k, _ in opts)
    if t is ItemType.JUDGE:
        if opts:
            ctx.add("options", "判断题不应有选项", "删除选项")
        return ()
    if t is ItemType.SINGLE and letters != "ABCD":
        ctx.add("options", f"单选题应有 A、B、C、D 四个选项，实有「{letters or '无'}」", "补全或删除选项，使之恰为 A–D")
    if t is ItemType.MULTIPLE and letters not in ("ABCD", "ABCDE"):
        ctx.add("options", f"多选题应有 4～5 个选项（A–D 或 A–E），实有「{letters or '无'}」", "补全选项")
    texts = [v for _, v in opts]
    if len(set(texts)) != len(texts):
        ctx.add("options", "有两个选项内容相同", "修改重复的选项")
    for _, v in opts:
        if re.search(r"以上(都|均|皆|全)(对|不对|正确|错误|是|不是)", v):
            ctx.add("options", f"选项「{v}」使用了「以上都对/都不对」类表述", "改写为独立的选项", "warning")
    return tuple(opts)


def _answer(ctx: RecordContext, raw: object, t: ItemType, options) -> str:
    if raw is True or raw is False:
        raw = "√" if raw else "×"
    text = clean_text(raw)
    if not text:
        ctx.add("answer", "答案为空", "单选填一个字母，多选填两个以上字母，判断填 √ 或 ×")
        return ""
    if t is ItemType.JUDGE:
        mark = JUDGE_ALIASES.get(text.upper()) or JUDGE_ALIASES.get(text)
        if mark is None:
            ctx.add("answer", f"判断题答案「{text}」无效", "填 √ 或 ×（也接受 对/错、正确/错误、T/F）")
            return ""
        return mark
    letters = re.sub(r"[\s,，、;；]", "", text).upper()
    if not re.fullmatch(r"[A-E]+", letters) or len(set(letters)) != len(letters):
        ctx.add("answer", f"答案「{text}」无效", "答案只能由不重复的字母 A–E 组成")
        return ""
    available = {k for k, _ in options}
    if t is ItemType.SINGLE and len(letters) != 1:
        ctx.add("answer", f"单选题答案「{text}」应只有一个字母", "只保留一个正确选项")
    if t is ItemType.MULTIPLE:
        if len(letters) < 2:
            ctx.add("answer", f"多选题答案「{text}」至少应有两个字母", "多选题应有 2 个以上正确选项")
    missing = [c for c in letters if available and c not in available]
    if missing:
        ctx.add("answer", f"答案中的 {''.join(missing)} 不在选项中", "答案字母须对应已有选项")
    return "".join(sorted(letters))


def _difficulty(ctx: RecordContext, raw: Any) -> int:
    if clean_text(raw) == "":
        return 3
    try:
        value = float(raw)
        if not value.is_integer() or not 1 <= value <= 5:  # (NaN and inf fail this too)
            raise ValueError
        return int(value)
    except (TypeError, ValueError, OverflowError):
        ctx.add("difficulty", f"难度「{raw}」无效", "填写 1～5 的整数（1 最易，5 最难），留空默认为 3")
        return 3


def _bool(ctx: RecordContext, key: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = clean_text(raw).lower()
    if text in BOOL_ALIASES:
        return BOOL_ALIASES[text]
    ctx.add(key, f"「{raw}」无法识别为 是/否", "填 是 或 否")
    return True


def _status(ctx: RecordContext, raw: object) -> Status:
    text = clean_text(raw)
    st = STATUS_ALIASES.get(text.lower()) or STATUS_ALIASES.get(text)
    if st is None:
        ctx.add("status", f"状态「{text}」无效", "填 启用 或 停用（active/retired）")
        return Status.ACTIVE
    return st


def _number(ctx: RecordContext, key: str, raw: Any, label: str, maximum: float) -> int | float | None:
    """Return a positive finite number not above maximum, else None with a problem."""
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = float(raw)
        if not 0 < value <= maximum:  # (NaN and inf fail this too)
            raise ValueError
        return int(value) if value.is_integer() else value
    except (TypeError, ValueError, OverflowError):
        shown = clean_text(raw) or "空"
        shown = shown if len(shown) <= 20 else shown[:20] + "…"
        ctx.add(key, f"{label}「{shown}」应为不大于 {maximum:g} 的正数")
        return None


def _task(rec: dict, ctx: RecordContext, std: Standard, rid: str) -> Task | None:
    level, function = _parse_level_function(ctx, rec, std, True)
    codes = split_list(rec.get("code"))
    if not codes:
        ctx.add("code", "技能要求代码为空", "填写操作题考核的技能要求代码，如 2.2.2，多个用逗号分隔")
    elif level and function:
        allowed = std.skill_codes(level, function)
        bad = [c for c in codes if allowed and c not in allowed]
        if bad:
            ctx.add("code", f"{'、'.join(bad)} 不是{std.level(level).name}「{function}」的技能要求",
                    "可选：" + "、".join(allowed))
    title = check_text(ctx, "title", clean_text(rec.get("title")))
    if not title:
        ctx.add("title", "试题名称为空")
    duration = _number(ctx, "duration", rec.get("duration"), "考核时间（分钟）", MAX_MINUTES)
    points = _number(ctx, "points", rec.get("points"), "配分", MAX_POINTS)
    task_text = check_text(ctx, "task", clean_text(rec.get("task")))
    if not task_text:
        ctx.add("task", "工作任务为空", "写明考生要完成的任务和提交物")
    equipment = tuple(check_text(ctx, "equipment", x) for x in split_lines(rec.get("equipment")))
    if not equipment:
        ctx.add("equipment", "场地设备要求为空", "写明计算机、软件、网络、道具等")
    quality = tuple(check_text(ctx, "quality", x) for x in split_lines(rec.get("quality")))
    if not quality:
        ctx.add("quality", "质量指标为空", "写明可检查的质量要求")
    materials = _materials(ctx, rec.get("materials"))
    rubric = _rubric(ctx, rec.get("rubric"))
    if rubric and points is not None:
        total = sum(r.points for r in rubric)
        if abs(total - points) > 1e-9:
            ctx.add("rubric", f"评分标准配分合计 {total:g} 分，与试题配分 {points:g} 分不符", "调整各评分要素的配分")
    difficulty = _difficulty(ctx, rec.get("difficulty"))
    status = _status(ctx, rec.get("status"))
    source = clean_text(rec.get("source"))
    if level is None or points is None or duration is None:
        return None
    files = _files(ctx, rec.get("files"))
    return Task(id=rid, level=level, function=function, codes=codes, title=title, duration=int(duration),
                points=points, equipment=equipment, task=task_text, materials=materials,
                quality=quality, rubric=rubric, difficulty=difficulty, enemies=split_list(rec.get("enemies")),
                status=status, source=source, origin=ctx.origin, files=files)


def split_lines(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(clean_text(v) for v in value if clean_text(v))
    return tuple(x.strip() for x in clean_text(value).splitlines() if x.strip())


def _materials(ctx: RecordContext, raw: Any) -> tuple[Material, ...]:
    out = []
    if raw not in (None, "") and not isinstance(raw, list):
        ctx.add("materials", "材料应为列表（每份材料有 caption、columns、rows）", "参见 question_bank/FORMAT.md")
        return ()
    for i, m in enumerate(raw or [], 1):
        if not isinstance(m, dict) or not isinstance(m.get("columns"), list) or not isinstance(m.get("rows"), list):
            ctx.add("materials", f"第 {i} 份材料应有 caption、columns、rows", "参见 question_bank/FORMAT.md")
            continue
        cols = tuple(check_text(ctx, "materials", clean_text(c)) for c in m["columns"])
        rows = []
        for j, r in enumerate(m["rows"], 1):
            if not isinstance(r, list) or len(r) != len(cols):
                ctx.add("materials", f"第 {i} 份材料第 {j} 行应有 {len(cols)} 个单元格", "补齐或删除多余的单元格")
                continue
            rows.append(tuple(_cell(ctx, v) for v in r))
        out.append(Material(check_text(ctx, "materials", clean_text(m.get("caption"))), cols, tuple(rows)))
    return tuple(out)


FILE_SOURCES = {s.value: s for s in FileSource}
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|]|^\.|\.\.')


def _files(ctx: RecordContext, raw: Any) -> tuple[TaskFile, ...]:
    """Return the task's materials files; a file is name + what + format (+ provided_by 题库/考点).

    From a workbook cell: one file a line, 文件名｜内容｜格式｜提供方.
    """
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        raw = [dict(zip(("name", "what", "format", "provided_by"), (p.strip() for p in line.split(FILE_FIELD_SEP))))
               for line in raw.splitlines() if line.strip()]
    if not isinstance(raw, list):
        ctx.add("files", "files 应为列表，每项写 name、what、format", "参见 question_bank/FORMAT.md")
        return ()
    out, seen = [], set()
    for i, f in enumerate(raw, 1):
        if not isinstance(f, dict):
            ctx.add("files", f"第 {i} 个素材文件应写 name、what、format", "参见 question_bank/FORMAT.md")
            continue
        name = clean_text(f.get("name"))
        what = check_text(ctx, "files", clean_text(f.get("what")))
        fmt = check_text(ctx, "files", clean_text(f.get("format")))
        by = clean_text(f.get("provided_by")) or FileSource.BANK.value
        if not name or _UNSAFE_NAME.search(name):
            ctx.add("files", f"第 {i} 个素材文件的文件名「{name or '空'}」无效",
                    "只写文件名，不含路径分隔符、“..”或 \\ / : * ? \" < > |")
            continue
        if name in seen:
            ctx.add("files", f"素材文件 {name} 重复列出")
            continue
        seen.add(name)
        if by not in FILE_SOURCES:
            ctx.add("files", f"素材文件 {name} 的 provided_by「{by}」无效", "可选：题库、考点")
            continue
        if not what or not fmt:
            ctx.add("files", f"素材文件 {name} 缺少 what（内容）或 format（格式）",
                    "考点准备的文件须在 format 中写明格式、规格和时长", severity="warning" if by == "考点" else "error")
        out.append(TaskFile(name, what, fmt, FILE_SOURCES[by]))
    return tuple(out)


def _cell(ctx: RecordContext, v: object) -> int | float | str:
    """Return a material cell: numbers stay numbers (integral floats become ints), the rest text."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return check_text(ctx, "materials", clean_text(v))
    if isinstance(v, float) and not math.isfinite(v) or isinstance(v, int) and abs(v) > 10 ** 15:
        ctx.add("materials", f"材料中的数值「{clean_text(v)[:20]}」不是有限的数（或过大）", "填写实际数值")
        return ""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _rubric(ctx: RecordContext, raw: Any) -> tuple[RubricRow, ...]:
    rows = []
    if not raw:
        ctx.add("rubric", "评分标准为空", "每道操作题需要 4–8 条评分要素，配分之和等于试题配分")
        return ()
    if not isinstance(raw, list):
        ctx.add("rubric", "评分标准应为列表（每条有 element、points、standard）", "参见 question_bank/FORMAT.md")
        return ()
    for i, r in enumerate(raw, 1):
        if not isinstance(r, dict):
            ctx.add("rubric", f"第 {i} 条评分要素格式有误", "应有 element、points、standard")
            continue
        if r.get("__sheet"):  # a workbook row of 评分标准: problems point at its own sheet, row and column
            row = RecordContext(Origin(ctx.origin.file, r["__sheet"], r.get("__row")), r["__columns"], ctx.problems,
                                ctx.record_id)
            keys = {"element": "element", "standard": "standard", "points": "points"}
        else:
            row, keys = ctx, {"element": "rubric", "standard": "rubric", "points": "rubric"}
        element = check_text(row, keys["element"], clean_text(r.get("element")))
        standard = check_text(row, keys["standard"], clean_text(r.get("standard")))
        pts = _number(row, keys["points"], r.get("points"), f"第 {i} 条评分要素的配分", MAX_POINTS)
        if not element or not standard:
            row.add(keys["element"] if not element else keys["standard"], f"第 {i} 条评分要素缺少评分要素或评分标准")
        if pts is not None:
            rows.append(RubricRow(element, pts, standard))
    return tuple(rows)
