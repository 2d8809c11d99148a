"""Writers for the encoded standard: an indented tree (text) and JSON."""
from __future__ import annotations

import json

from ..standard import Standard


def standard_dict(std: Standard, level: str | None = None) -> dict:
    """Return the standard (or one level of it) as plain data."""
    levels = [lv for lv in std.levels if level is None or lv.code == level]
    return {
        "name": std.name, "code": std.code, "edition": std.edition,
        "assessment": vars(std.assessment),
        "directions": [{"code": d.code, "name": d.name, "levels": list(d.levels)} for d in std.directions],
        "basics": [{"code": s.code, "name": s.name,
                    "items": [{"code": it.code, "name": it.name,
                               "subitems": [{"code": r.code, "text": r.text} for r in it.subitems]}
                              for it in s.items]} for s in std.basics],
        "levels": [{
            "level": lv.code, "name": lv.name, "title": lv.title,
            "direction_functions": {k: list(v) for k, v in std.direction_functions.get(lv.code, {}).items()},
            "functions": [{
                "number": f.number, "name": f.name,
                "work_contents": [{"code": wc.code, "name": wc.name,
                                   "skills": [{"code": r.code, "text": r.text} for r in wc.skills],
                                   "knowledge": [{"code": r.code, "text": r.text} for r in wc.knowledge]}
                                  for wc in f.work_contents]} for f in std.functions_at(lv.code)],
        } for lv in levels],
        "weight_columns": list(std.weight_columns),
        "theory_weights": std.theory_weights,
        "skill_weights": std.skill_weights,
    }


def standard_json(std: Standard, level: str | None = None) -> str:
    return json.dumps(standard_dict(std, level), ensure_ascii=False, indent=2) + "\n"


def standard_text(std: Standard, level: str | None = None) -> str:
    """Return the standard as an indented tree."""
    a = std.assessment
    out = [f"{std.name}国家职业标准（{std.edition}，职业编码 {std.code}）",
           f"评价时长：理论知识考试不少于 {a.theory_minutes} 分钟，操作技能考核不少于 {a.skill_minutes} 分钟，"
           f"综合评审不少于 {a.review_minutes} 分钟；百分制，{a.pass_mark} 分（含）以上为合格。",
           "职业方向：" + "；".join(f"{d.code} {d.name}（{'、'.join(std.level(c).name for c in d.levels)}）"
                               for d in std.directions)]
    if level is None:
        out.append("基本要求")
        for s in std.basics:
            out.append(f"  {s.code} {s.name}")
            for it in s.items:
                out.append(f"    {it.code} {it.name}")
                out += [f"      {r.code} {r.text}" for r in it.subitems]
    for lv in std.levels:
        if level is not None and lv.code != level:
            continue
        out.append(f"{lv.label}")
        df = std.direction_functions.get(lv.code)
        if df:
            out.append("  考核职业功能：" + "；".join(f"{std.direction(k).name} 第 {'、'.join(map(str, v))} 项"
                                               for k, v in df.items()))
        for f in std.functions_at(lv.code):
            out.append(f"  {f.number}. {f.name}")
            for wc in f.work_contents:
                out.append(f"    {wc.code} {wc.name}")
                out += [f"      技能 {r.code} {r.text}" for r in wc.skills]
                out += [f"      知识 {r.code} {r.text}" for r in wc.knowledge]
    return "\n".join(out) + "\n"
