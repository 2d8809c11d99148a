"""Item analysis of scored forms (classical test theory). Follows scoring in the pipeline.

Per item: facility p, the corrected item–total point-biserial (item against the rest score, in
points), the upper–lower 27 % discrimination index D (candidates ranked by total, ties kept in
sheet order), option counts for the whole group and the two extreme groups, omissions.
Per form: mean, SD (n − 1), Cronbach's α on item points (KR-20 when every item is worth the same),
SEM = SD·√(1 − α), the score distribution; per 职业功能 the mean percentage.
Returns an Analysis; writers live in writers/analysis.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bank.models import FALSE_MARK, LETTERS, TRUE_MARK
from .errors import InputError
from .score import FormResults, Results
from .structure import ItemType

MIN_CANDIDATES = 20
WARN_CANDIDATES = 100
GROUP_FRACTION = 0.27
EASY_P, HARD_P, WEAK_R = 0.95, 0.15, 0.15
MISKEY_P = (0.05, 0.95)  # a negative r_pb suggests a miskey only when p is not extreme

FLAG_LABELS = {"miskey": "疑似答案错误", "too_easy": "过易", "too_hard": "过难", "weak": "区分度弱",
               "unused_distractor": "干扰项无人选", "distractor_beats_key": "高分组偏好干扰项"}


@dataclass(frozen=True, kw_only=True)
class ItemStats:
    number: int
    id: str
    type: str
    function: str
    key: str
    p: float
    r_pb: float | None  # None when the item or the rest score does not vary
    d: float
    options: dict  # option -> count (whole group)
    upper: dict  # option -> count (upper 27 %)
    lower: dict
    omitted: int
    flags: tuple[tuple[str, str], ...]  # (code, reason in Chinese)


@dataclass(frozen=True, kw_only=True)
class FormAnalysis:
    form: str
    title: str
    session: str
    candidates: int
    items_count: int
    max_points: float
    mean: float
    sd: float
    kr20: float | None
    sem: float | None
    distribution: tuple[int, ...]  # 0–9.5, 10–19.5, …, 90–100
    functions: dict  # 职业功能 -> mean percentage
    items: tuple[ItemStats, ...]
    warning: str = ""
    created: str = ""  # the form's creation time (pins the dates of the reports)

    @property
    def flagged(self) -> list[ItemStats]:
        return [i for i in self.items if i.flags]


@dataclass(frozen=True)
class Analysis:
    forms: tuple[FormAnalysis, ...]
    source: str = ""


def _r(x, nd: int = 4):
    return None if x is None else round(float(x), nd)


def _corr_columns(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the Pearson correlation of each column of x with the matching column of y (NaN if constant)."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    num = (xc * yc).sum(axis=0)
    den = np.sqrt((xc * xc).sum(axis=0) * (yc * yc).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def option_labels(entry_type: ItemType, n_options: int) -> list[str]:
    return [TRUE_MARK, FALSE_MARK] if entry_type is ItemType.JUDGE else list(LETTERS[:n_options])


def analyze_form(fr: FormResults) -> FormAnalysis:
    """Return the statistics of one form. Raises InputError under MIN_CANDIDATES candidates."""
    n = len(fr.candidates)
    if n < MIN_CANDIDATES:
        raise InputError(f"试卷 {fr.form.code} 只有 {n} 名考生，少于 {MIN_CANDIDATES} 人，统计结果不可靠，不予计算。")
    u = fr.correct.astype(float)
    pts = fr.points
    scores = u * pts
    total = scores.sum(axis=1)
    p = u.mean(axis=0)
    rest = total[:, None] - scores
    rpb = _corr_columns(u, rest)
    g = max(1, int(round(GROUP_FRACTION * n)))
    order = np.argsort(-total, kind="stable")
    upper, lower = order[:g], order[::-1][:g][::-1]
    d = u[upper].mean(axis=0) - u[lower].mean(axis=0)
    k = len(pts)
    item_var = scores.var(axis=0, ddof=1)
    tot_var = total.var(ddof=1)
    alpha = float(k / (k - 1) * (1 - item_var.sum() / tot_var)) if k > 1 and tot_var > 0 else None
    sd = float(np.sqrt(tot_var))
    sem = sd * np.sqrt(max(0.0, 1 - alpha)) if alpha is not None else None
    resp = np.array([c.responses for c in fr.candidates], dtype=object).reshape(n, k)
    items = []
    for j, e in enumerate(fr.form.entries):
        labels = option_labels(e.type, fr.option_counts[j])
        col = resp[:, j]
        omitted = int((col == "").sum())
        if e.type is ItemType.MULTIPLE:  # each letter counted where it was chosen
            whole = {x: int(sum(x in v for v in col)) for x in labels}
            up = {x: int(sum(x in v for v in col[upper])) for x in labels}
            lo = {x: int(sum(x in v for v in col[lower])) for x in labels}
        else:
            vals, cnt = np.unique(col, return_counts=True)
            cmap = dict(zip(vals.tolist(), cnt.tolist()))
            whole = {x: int(cmap.get(x, 0)) for x in labels}
            uv, uc = np.unique(col[upper], return_counts=True)
            umap = dict(zip(uv.tolist(), uc.tolist()))
            up = {x: int(umap.get(x, 0)) for x in labels}
            lv, lc = np.unique(col[lower], return_counts=True)
            lmap = dict(zip(lv.tolist(), lc.tolist()))
            lo = {x: int(lmap.get(x, 0)) for x in labels}
        r = None if np.isnan(rpb[j]) else float(rpb[j])
        flags = item_flags(e.type, e.answer, float(p[j]), r, whole, up, col[upper])
        items.append(ItemStats(number=e.number, id=e.id, type=e.type.value, function=e.function, key=e.answer,
                               p=_r(p[j]), r_pb=_r(r), d=_r(d[j]),
                               options=whole, upper=up, lower=lo, omitted=omitted, flags=tuple(flags)))
    from .writers.results import distribution

    funcs = {name: round(float((s / mx).mean() * 100), 2) if mx else 0.0
             for name, (s, mx) in fr.function_scores().items()}
    warning = (f"考生仅 {n} 人（少于 {WARN_CANDIDATES} 人），各项统计仅供参考。" if n < WARN_CANDIDATES else "")
    return FormAnalysis(form=fr.form.code, title=fr.form.title, session=fr.form.session, candidates=n, items_count=k,
                        max_points=float(pts.sum()), mean=round(float(total.mean()), 4),
                        sd=round(sd, 4), kr20=_r(alpha), sem=_r(sem), distribution=tuple(distribution(total)),
                        functions=funcs, items=tuple(items), warning=warning,
                        created=fr.form.created)


def item_flags(t: ItemType, key: str, p: float, r: float | None, whole: dict, upper: dict,
               upper_responses: np.ndarray) -> list[tuple[str, str]]:
    """Return the flags (code, Chinese reason) of one item."""
    flags: list[tuple[str, str]] = []
    key_letters = set(key)
    # "the top group prefers a distractor": more of the top group choose it than the key, and at
    # least half of them do (an item nobody can answer spreads the top group's guesses instead)
    if t is ItemType.MULTIPLE:
        vals, cnt = np.unique(upper_responses[upper_responses != ""], return_counts=True)
        key_n = int(cnt[vals == key].sum()) if len(vals) else 0
        top = (str(vals[np.argmax(cnt)]), int(cnt.max())) if len(vals) else ("", 0)
        beats = top[1] > key_n and top[0] != key and top[1] >= 0.5 * len(upper_responses)
        beat_text = f"高分组最常选 {top[0]}（{top[1]} 人），多于选答案 {key} 的 {key_n} 人"
    else:
        distractors = {x: c for x, c in upper.items() if x not in key_letters}
        best = max(distractors.items(), key=lambda kv: kv[1]) if distractors else ("", 0)
        key_n = sum(c for x, c in upper.items() if x in key_letters)
        beats = best[1] > key_n and best[1] >= 0.5 * len(upper_responses)  # concentrated, not guessing
        beat_text = f"高分组选干扰项 {best[0]} 的 {best[1]} 人，多于选答案 {key} 的 {key_n} 人"
    negative = r is not None and r < 0 and MISKEY_P[0] < p < MISKEY_P[1]
    if negative or beats:
        why = []
        if negative:
            why.append(f"校正点二列相关 {r:.2f} 为负（通过率 {p:.2f}）")
        if beats:
            why.append(beat_text)
        flags.append(("miskey", "疑似答案错误：" + "；".join(why) + "，请核对答案"))
    if p > EASY_P:
        flags.append(("too_easy", f"过易：通过率 {p:.2f} 高于 {EASY_P}"))
    if p < HARD_P:
        flags.append(("too_hard", f"过难：通过率 {p:.2f} 低于 {HARD_P}"))
    if r is None:
        flags.append(("weak", "区分度无法计算：全部考生得分相同"))
    elif r < WEAK_R and not negative:
        flags.append(("weak", f"区分度弱：校正点二列相关 {r:.2f} 低于 {WEAK_R}"))
    if t is not ItemType.JUDGE:
        unused = [x for x, c in whole.items() if x not in key_letters and c == 0]
        if unused:
            flags.append(("unused_distractor", f"干扰项 {'、'.join(unused)} 无人选择"))
    return flags


def analyze_results(results: Results) -> Analysis:
    """Return the Analysis of every form in the results.

    Raises InputError when a form has fewer than MIN_CANDIDATES candidates.
    """
    short = [f"{fr.form.code}（{len(fr.candidates)} 人）" for fr in results.forms if len(fr.candidates) < MIN_CANDIDATES]
    if short:
        raise InputError(f"考生少于 {MIN_CANDIDATES} 人的试卷不计算题目统计（结果不可靠）：{'、'.join(short)}。")
    return Analysis(tuple(analyze_form(fr) for fr in results.forms), results.source)
