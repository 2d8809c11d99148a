"""Small hand-made banks for tests."""
from assembler.bank.models import Bank, Item, Material, RubricRow, Task
from assembler.structure import ItemType


def judge(i, level, function, code, answer="√", difficulty=3, **kw):
    return Item(id=i, type=ItemType.JUDGE, level=level, function=function, code=code, stem=f"判断题{i}的题干陈述。", options=(),
                answer=answer, difficulty=difficulty, **kw)


def single(i, level, function, code, answer="A", difficulty=3, **kw):
    opts = (("A", f"{i}甲"), ("B", f"{i}乙"), ("C", f"{i}丙"), ("D", f"{i}丁"))
    return Item(id=i, type=ItemType.SINGLE, level=level, function=function, code=code, stem=f"单选题{i}的题干（    ）。",
                options=opts, answer=answer, difficulty=difficulty, **kw)


def multiple(i, level, function, code, answer="AC", difficulty=3, **kw):
    opts = (("A", f"{i}一"), ("B", f"{i}二"), ("C", f"{i}三"), ("D", f"{i}四"), ("E", f"{i}五"))
    return Item(id=i, type=ItemType.MULTIPLE, level=level, function=function, code=code, stem=f"多选题{i}的题干（    ）。",
                options=opts, answer=answer, difficulty=difficulty, **kw)


def task(i, level, function, codes, points, duration=30, **kw):
    half = points / 2
    rubric = (RubricRow("要素一", half, "缺一项扣1分"), RubricRow("要素二", points - half, "错一处扣1分"))
    return Task(id=i, level=level, function=function, codes=tuple(codes), title=f"操作题{i}", duration=duration,
                points=points, equipment=("计算机1台",), task="完成任务。",
                materials=(Material("表1", ("日期", "数值"), (("1日", 10), ("2日", 12))),), quality=("结果正确",),
                rubric=rubric, **kw)


def bank(items=(), tasks=()):
    return Bank(tuple(items), tuple(tasks))
