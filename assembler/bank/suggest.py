"""Suggest level, function and knowledge-requirement code for untagged (draft) items.

A linear classifier (scikit-learn LinearSVC) over character 1–3-gram TF-IDF features learns from
two sources: the standard's own requirement texts (one document per knowledge requirement, so
codes no item carries yet can still be suggested; each weighs as much as REQUIREMENT_WEIGHT items)
and the bank's already-tagged items. A code's score is the classifier's margin plus
REQUIREMENT_SIMILARITY times the cosine similarity of the item with the code's requirement text.
Nothing is downloaded; training on the shipped bank takes a few seconds.
The two constants were chosen by 5-fold cross-validation on the shipped bank
(benchmarks/bench_tagging.py; function top-1 79.1 → 83.4 %, code top-3 88.0 → 89.3 %).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, InputError
from ..standard import BASIC_FUNCTIONS, Kind, Standard, load_standard
from .models import Item

BASIC_LEVEL = "JC"  # label prefix of 职业道德/基础知识 codes, which serve every level
REQUIREMENT_WEIGHT = 6.0  # a requirement text trains like this many items
REQUIREMENT_SIMILARITY = 1.5  # weight of the item–requirement cosine similarity added to the margin
CONFIDENCE_TEMPERATURE = 16.0  # softmax sharpness: fitted on held-out folds (bench_tagging --calibrate)


@dataclass(frozen=True)
class Suggestion:
    """One candidate tag for an item."""

    level: str | None  # None for the basics
    function: str
    code: str
    text: str  # the requirement's text in the standard
    confidence: float  # 0–1, the candidates of one item sum to at most 1


@dataclass(frozen=True)
class Scope:
    """The candidates an item may receive: a level (or any), and a direction's functions."""

    level: str | None = None
    direction: str | None = None


def item_text(item: Item) -> str:
    """Return the text the suggester reads: stem, options and explanation."""
    return " ".join([item.stem, *(v for _, v in item.options), item.explanation])


def _label(level: str | None, function: str, code: str) -> str:
    return f"{level or BASIC_LEVEL}|{function}|{code}"


def requirement_documents(std: Standard) -> list[tuple[str, str, str]]:
    """Return (label, requirement text, training text) for every knowledge requirement."""
    out: list[tuple[str, str, str]] = []
    for lv in std.levels:
        for fn in std.functions_at(lv.code):
            for wc in fn.work_contents:
                for r in wc.knowledge:
                    out.append((_label(lv.code, fn.name, r.code), r.text, f"{fn.name} {wc.name} {r.text}"))
    for name in BASIC_FUNCTIONS:
        for code, text in std.knowledge_codes(std.levels[0].code, name).items():
            out.append((_label(None, name, code), text, f"{name} {text}"))
    return out


class TagSuggester:
    """Return ranked tag suggestions for items; trained once from the standard and tagged items."""

    def __init__(self, tagged: list[Item] | tuple[Item, ...], standard: Standard | None = None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self.standard = std = standard or load_standard()
        reqs = requirement_documents(std)
        self._texts = {label: text for label, text, _ in reqs}
        known = set(self._texts)
        train = [it for it in tagged if _label(it.level, it.function, it.code) in known]
        docs = [item_text(it) for it in train] + [doc for _, _, doc in reqs]
        labels = [_label(it.level, it.function, it.code) for it in train] + [lab for lab, _, _ in reqs]
        self._vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True,
                                           min_df=2)  # n-grams seen once cost time, add nothing
        matrix = self._vectorizer.fit_transform(docs)
        weights = np.array([1.0] * len(train) + [REQUIREMENT_WEIGHT] * len(reqs))
        self._model = LinearSVC(C=0.5).fit(matrix, labels, sample_weight=weights)
        self._classes = [str(c).split("|") for c in self._model.classes_]
        by_label = {lab: k for k, (lab, _, _) in enumerate(reqs)}
        rows = matrix[len(train):]  # the requirement documents, L2-normalised by TF-IDF
        self._requirements = rows[[by_label["|".join(c)] for c in self._classes]].T.tocsc()
        self._class_level = np.array([c[0] for c in self._classes])
        self._class_function = np.array([c[1] for c in self._classes])
        self.trained_items = len(train)

    def mask(self, scope: Scope) -> np.ndarray:
        """Return which score columns the scope allows."""
        return self._mask(scope)

    def _mask(self, scope: Scope) -> np.ndarray:
        """Return which classes the scope allows: a level's functions (or a direction's) plus basics."""
        if scope.level is None:
            return np.ones(len(self._classes), dtype=bool)
        allowed = self._class_level == scope.level
        if scope.direction is not None and self.standard.has_directions(scope.level):
            names = [f.name for f in self.standard.examined_functions(Kind.THEORY, scope.level, scope.direction)]
            allowed &= np.isin(self._class_function, names)
        return allowed | (self._class_level == BASIC_LEVEL)

    def scores(self, items: list[Item] | tuple[Item, ...]) -> np.ndarray:
        """Return the score matrix (items × classes) the ranking and the confidences come from."""
        features = self._vectorizer.transform([item_text(it) for it in items])
        scores = np.atleast_2d(self._model.decision_function(features))
        return scores + REQUIREMENT_SIMILARITY * (features @ self._requirements).toarray()

    def class_labels(self) -> list[tuple[str | None, str, str]]:
        """Return (level, function, code) of each score column (level None for the basics)."""
        return [(None if lv == BASIC_LEVEL else lv, fn, code) for lv, fn, code in self._classes]

    def suggest(self, items: list[Item] | tuple[Item, ...], scope: Scope = Scope(), top: int = 3,
                scopes: list[Scope] | None = None) -> list[list[Suggestion]]:
        """Return, for each item, its `top` best suggestions best first.

        An item's own level (when set) narrows its scope further. `scopes` gives one scope per item.
        """
        if not items:
            return []
        scores = self.scores(items)
        out: list[list[Suggestion]] = []
        masks: dict[Scope, np.ndarray] = {}
        for k, (row, it) in enumerate(zip(scores, items)):
            sc = scopes[k] if scopes else scope
            if it.level is not None and sc.level is None:
                sc = Scope(it.level, sc.direction)
            if sc not in masks:
                masks[sc] = self._mask(sc)
            mask = masks[sc]
            if it.function:  # a draft that names its function only needs a code within it
                narrowed = mask & (self._class_function == it.function)
                mask = narrowed if narrowed.any() else mask
            s = np.where(mask, row, -np.inf)
            order = np.argsort(-s)[:top]
            # confidence: a softmax of the scores over the allowed classes
            allowed = row[mask]
            weights = np.exp((allowed - allowed.max()) * CONFIDENCE_TEMPERATURE)
            total = weights.sum()
            picks = []
            for o in order:
                if not mask[o]:
                    break
                lv, fn, code = self._classes[o]
                picks.append(Suggestion(None if lv == BASIC_LEVEL else lv, fn, code,
                                        self._texts[f"{lv}|{fn}|{code}"],
                                        float(np.exp((row[o] - allowed.max()) * CONFIDENCE_TEMPERATURE) / total)))
            out.append(picks)
        return out


def check_scope(std: Standard, level: object | None, direction: object | None) -> Scope:
    """Return the scope for --level/--direction; raise InputError for an impossible pair."""
    from ..standard import parse_direction, parse_level

    if level in (None, ""):
        if direction not in (None, ""):
            raise InputError("指定职业方向（--direction）时须同时指定等级（--level）。")
        return Scope()
    lv = parse_level(level)
    d = parse_direction(direction, std) if direction not in (None, "") else None
    if d is not None and lv not in std.direction(d).levels:
        raise InputError(f"{std.level(lv).label} 没有「{std.direction(d).name}」职业方向。")
    return Scope(lv, d)


def train_from_bank(paths: list | None = None, standard: Standard | None = None) -> TagSuggester:
    """Return a suggester trained on the active tagged items of the bank at paths.

    Raises DataError if the bank has errors.
    """
    from .loader import load_bank

    std = standard or load_standard()
    bank = load_bank(paths, std)
    tagged = [it for it in bank.items if it.code and it.function]
    if not tagged and not requirement_documents(std):
        raise DataError("没有可供学习的已标注题目")
    return TagSuggester(tagged, std)
