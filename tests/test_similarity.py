"""The near-duplicate search (assembler.bank.similarity) against brute force."""
import random

import pytest

from assembler.bank import similarity
from assembler.bank.similarity import similar_pairs, trigram_rows


def _grams(text: str) -> set[str]:
    return {text[k:k + 3] for k in range(max(1, len(text) - 2))}


def _brute_force(texts: list[str], t: float) -> dict[int, tuple[int, float]]:
    grams = [_grams(x) for x in texts]
    out = {}
    for i in range(len(texts)):
        best = None
        for j in range(i):
            n = len(grams[i] & grams[j])
            jac = n / (len(grams[i]) + len(grams[j]) - n)
            if jac >= t and (best is None or jac > best[1]):
                best = (j, jac)
        if best:
            out[i] = best
    return out


def _texts(seed: int, n: int = 220) -> list[str]:
    """Random texts of every length (empty to 150) over small alphabets, 40 % edited copies."""
    rng = random.Random(seed)
    alphabet = "甲乙丙丁戊己庚辛壬癸子丑"
    texts: list[str] = []
    for _ in range(n):
        if texts and rng.random() < 0.4:
            chars = list(rng.choice(texts))
            for _ in range(rng.randrange(4)):
                p = rng.randrange(len(chars) + 1)
                op = rng.random()
                if op < 0.4:
                    chars.insert(p, rng.choice(alphabet))
                elif chars and op < 0.7:
                    chars.pop(min(p, len(chars) - 1))
                elif chars:
                    chars[min(p, len(chars) - 1)] = rng.choice(alphabet)
            texts.append("".join(chars))
        else:
            length = rng.choice([0, 1, 2, 3, 4, 5, 8, 12, 20, 40, 80, 150])
            texts.append("".join(rng.choice(alphabet[:rng.randrange(2, 12)]) for _ in range(length)))
    return texts


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threshold", [0.5, 0.85, 0.95, 1.0])
def test_similar_pairs_equal_brute_force(seed, threshold):
    texts = _texts(seed)
    expected = _brute_force(texts, threshold)
    assert similar_pairs(texts, threshold) == expected
    assert len(expected) >= 20


@pytest.mark.parametrize("common", [1, 3])
def test_weak_parts_path_stays_exact(monkeypatch, common):
    # with COMMON this low nearly every part is weak, so the (weak, other) pair signatures carry it
    monkeypatch.setattr(similarity, "COMMON", common)
    for seed in range(3):
        texts = _texts(100 + seed)
        assert similar_pairs(texts, 0.85) == _brute_force(texts, 0.85)


def test_trigram_rows_pad_short_texts():
    rows, gid = trigram_rows(["", "a", "ab", "abc", "abcd", "abc"])
    sizes = list(rows[1:] - rows[:-1])
    assert sizes == [1, 1, 1, 1, 2, 1]
    assert gid[rows[3]] == gid[rows[5]]  # equal texts, equal trigram ids
    assert len({gid[rows[k]] for k in range(4)}) == 4  # "", "a", "ab", "abc" are all different


def test_bad_threshold_is_refused():
    with pytest.raises(ValueError):
        similar_pairs(["ab", "ab"], 0)
    assert similar_pairs(["only one"], 0.85) == {}
