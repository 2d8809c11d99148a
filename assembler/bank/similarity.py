"""Exact near-duplicate search over character trigrams, in time near-linear in the bank.

`similar_pairs(texts, t)` returns, for every text with an earlier text whose trigram Jaccard is at
least t, the most similar earlier one. It equals the brute-force scan (every pair compared) but only
compares pairs that share a pigeonhole signature:

- Jaccard(x, y) ≥ t implies |x Δ y| ≤ H = (1 − t)/t · min(|x|, |y|) and t ≤ |x|/|y| ≤ 1/t.
- Set sizes fall into classes that grow by a factor 1/t, so a similar pair lies in one class or
  in two adjacent ones; the pair is handled by the scheme of its smaller member's class.
- Scheme c hashes the trigrams into K_c = ⌊H_c⌋ + 2 parts (H_c: the bound for the class's largest
  size), so two sets at distance ≤ H_c agree exactly on at least two parts.
- Each set emits, for its own class's scheme and the one below, one signature per part (a hash of
  the part's content). A part whose signature is common (more than COMMON sets share it, e.g. an
  empty part or one holding only boilerplate trigrams) is "weak": instead of its own signature it
  emits one signature for each pair (weak part, other part). Weakness depends only on the content,
  so a similar pair either shares a strong clean part or two weak clean parts — and meets in a
  bucket either way.
- Sets meeting in a bucket are candidates; each candidate is confirmed by an exact Jaccard.

Hash collisions can only add candidates, never lose one. Everything past the per-text trigram
extraction runs in NumPy.
"""
from __future__ import annotations

from math import ceil, floor

import numpy as np

COMMON = 48  # a part signature shared by more sets than this is weak
_SENTINEL = 0x1FFFFF  # pads texts shorter than 3 characters; above every Unicode code point


def _mix(x: np.ndarray) -> np.ndarray:
    """Return splitmix64 of a uint64 array (a well-spread hash, deterministic)."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _distinct(x: np.ndarray) -> np.ndarray:
    """Return the sorted distinct values of x (by sorting: NumPy's hashed unique is slower here)."""
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def _dense_ids(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (id of each value among the distinct values in sorted order, count of each value)."""
    order = np.argsort(x, kind="stable")
    sx = x[order]
    new = np.r_[True, sx[1:] != sx[:-1]] if len(x) else np.zeros(0, dtype=bool)
    ids = np.empty(len(x), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    counts = np.diff(np.r_[np.flatnonzero(new), len(x)])
    return ids, counts


def trigram_rows(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (row start offsets, trigram ids) of every text's distinct trigrams, CSR style.

    A text shorter than 3 characters has one "trigram": itself (padded). Ids are dense integers,
    equal for equal trigrams.
    """
    n = len(texts)
    lengths = np.fromiter((len(s) for s in texts), dtype=np.int64, count=n)
    padded = [s + "\0" * (3 - len(s)) if len(s) < 3 else s for s in texts]  # NULs: replaced below
    plen = np.fromiter((len(s) for s in padded), dtype=np.int64, count=n)
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(plen, out=starts[1:])
    short = np.flatnonzero(lengths < 3)
    for i in short:  # pad with the sentinel instead of NUL
        s = starts[i]
        codes[s + lengths[i]:s + 3] = _SENTINEL
    ngram = np.maximum(plen - 2, 1)  # trigrams per text (padded texts have exactly one)
    owner = np.repeat(np.arange(n, dtype=np.int64), ngram)
    gstart = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(ngram, out=gstart[1:])
    pos = starts[owner] + (np.arange(len(owner), dtype=np.int64) - gstart[owner])
    key = (codes[pos] << 42) | (codes[pos + 1] << 21) | codes[pos + 2]
    gid, _ = _dense_ids(key)
    span = int(gid.max(initial=0)) + 1
    both = _distinct(owner * span + gid)  # one entry per (text, trigram), sorted by text
    owner, gid = both // span, both % span
    counts = np.bincount(owner, minlength=n)
    rows = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=rows[1:])
    return rows, gid


def _scheme_tables(largest: int, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (class lower bounds, parts per class): a size m in class c has every partner size
    M ≤ m/t below bounds[c + 2] (one unit of slack against rounding)."""
    bounds = [1]
    while bounds[-1] <= largest:
        bounds.append(max(bounds[-1] + 1, ceil(bounds[-1] / t) + 1))
    parts = [floor((1 - t) / t * (bounds[c + 1] - 1) + 1e-9) + 2 for c in range(len(bounds) - 1)]
    return np.array(bounds, dtype=np.int64), np.array(parts, dtype=np.int64)


def _signatures(rows: np.ndarray, gid: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray, dict]:
    """Return (signature keys, owning set) of every set's emitted signatures, and the part
    signatures per scheme ("full", "base" per pass, "class", "parts") for the agreement filter."""
    n = len(rows) - 1
    sizes = np.diff(rows)
    owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
    bounds, parts = _scheme_tables(int(sizes.max(initial=1)), t)
    cls = np.searchsorted(bounds, np.maximum(sizes, 1), side="right") - 1
    h_part = _mix(gid.astype(np.uint64))  # decides the part
    h_sig = _mix(h_part)  # XOR-summed into a part's signature
    fulls, slot_owners, bases, ks = [], [], [], []
    offset = 0
    for below in (0, 1):  # the set's own class's scheme, then the one below
        scheme = cls - below
        ok = scheme >= 0
        k = np.where(ok, parts[np.maximum(scheme, 0)], 0)
        base = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(k, out=base[1:])
        sig = np.zeros(int(base[-1]), dtype=np.uint64)
        elem_ok = ok[owner]
        part = (h_part[elem_ok] % k[owner][elem_ok].astype(np.uint64)).astype(np.int64)
        np.bitwise_xor.at(sig, base[owner][elem_ok] + part, h_sig[elem_ok])
        slot_owner = np.repeat(np.arange(n, dtype=np.int64), k)
        slot_part = np.arange(len(sig), dtype=np.int64) - base[slot_owner]
        label = (scheme[slot_owner].astype(np.uint64) << np.uint64(16)) | slot_part.astype(np.uint64)
        fulls.append(sig ^ _mix(label))  # (scheme, part, content)
        slot_owners.append(slot_owner)
        bases.append(base[:-1] + offset)
        ks.append(k)
        offset += len(sig)
    full = np.concatenate(fulls)
    slot_owner = np.concatenate(slot_owners)
    # weakness over both passes together: equal content has equal weakness wherever it occurs
    ids, count = _dense_ids(full)
    weak = count[ids] > COMMON
    keys = [full[~weak]]
    owners = [slot_owner[~weak]]
    # each weak part pairs with every other part of its set (same pass): (weak, other), symmetric
    for p in (0, 1):
        lo_slot = 0 if p == 0 else len(fulls[0])
        wk = np.flatnonzero(weak[lo_slot:lo_slot + len(fulls[p])]) + lo_slot
        if not len(wk):
            continue
        w_owner = slot_owner[wk]
        reps = ks[p][w_owner]
        first = np.repeat(wk, reps)
        other = np.repeat(bases[p][w_owner], reps) + (np.arange(int(reps.sum()), dtype=np.int64)
                                                      - np.repeat(np.cumsum(reps) - reps, reps))
        keep = other != first
        first, other = first[keep], other[keep]
        a, b = full[first], full[other]
        with np.errstate(over="ignore"):
            pair = _mix(np.minimum(a, b)) ^ _mix(np.maximum(a, b) ^ np.uint64(0x5851F42D4C957F2D))
        keys.append(pair)
        owners.append(slot_owner[first])
    table = {"full": full, "base": bases, "class": cls, "parts": parts}
    return np.concatenate(keys), np.concatenate(owners), table


def _agreeing(table: dict, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Return, per pair, whether the two sets agree on at least two parts of the smaller one's
    scheme — true of every pair within the distance bound (K = H + 2 parts, ≤ H spoiled)."""
    cls, full, parts = table["class"], table["full"], table["parts"]
    scheme = np.minimum(cls[i], cls[j])
    base_i = np.where(cls[i] == scheme, table["base"][0][i], table["base"][1][i])
    base_j = np.where(cls[j] == scheme, table["base"][0][j], table["base"][1][j])
    k = parts[scheme]
    agree = np.zeros(len(i), dtype=np.int64)
    for r in range(int(k.max(initial=0))):
        live = np.flatnonzero(k > r)
        agree[live] += full[base_i[live] + r] == full[base_j[live] + r]
    return agree >= 2


def _candidates(keys: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return distinct pairs (i, j), j < i, of sets sharing a signature."""
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    keep = np.ones(len(keys), dtype=bool)  # one entry per (signature, set)
    keep[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    keys, owners = keys[keep], owners[keep]
    start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    length = np.diff(np.r_[start, len(keys)])
    big = length >= 2
    start, length = start[big], length[big]
    if not len(start):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # all pairs inside each run, vectorised by run length
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    for L in _distinct(length):
        s = start[length == L]
        a, b = np.triu_indices(int(L), 1)
        block = owners[s[:, None] + np.arange(int(L))]
        out_j.append(block[:, a].ravel())
        out_i.append(block[:, b].ravel())
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    span = int(owners.max()) + 1
    code = _distinct(i * span + j)
    return code // span, code % span


def _intersections(rows: np.ndarray, gid: np.ndarray, i: np.ndarray, j: np.ndarray,
                   chunk: int = 50_000) -> np.ndarray:
    """Return |set i ∩ set j| for each pair."""
    out = np.zeros(len(i), dtype=np.int64)
    sizes = np.diff(rows)
    G = int(gid.max(initial=0)) + 1
    for lo in range(0, len(i), chunk):
        a, b = i[lo:lo + chunk], j[lo:lo + chunk]
        idx = np.arange(len(a), dtype=np.int64)
        parts = []
        for side in (a, b):
            reps = sizes[side]
            pair = np.repeat(idx, reps)
            pos = np.repeat(rows[side], reps) + (np.arange(int(reps.sum()), dtype=np.int64)
                                                 - np.repeat(np.cumsum(reps) - reps, reps))
            parts.append(pair * G + gid[pos])
        both = np.concatenate(parts)
        both.sort()
        dup = both[1:][both[1:] == both[:-1]] // G
        out[lo:lo + chunk] = np.bincount(dup, minlength=len(a))
    return out


def similar_pairs(texts: list[str], threshold: float) -> dict[int, tuple[int, float]]:
    """Return {i: (j, Jaccard)} for every text i with an earlier text j (j < i) whose character
    trigram Jaccard is ≥ threshold; j is the most similar one (the smallest index on a tie).

    Exact (equal to comparing every pair). Raises ValueError for a threshold outside (0, 1].
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    if len(texts) < 2:
        return {}
    rows, gid = trigram_rows(texts)
    keys, owners, table = _signatures(rows, gid, threshold)
    i, j = _candidates(keys, owners)
    sizes = np.diff(rows)
    a, b = sizes[i], sizes[j]
    ok = (a >= threshold * b) & (b >= threshold * a)
    i, j = i[ok], j[ok]
    ok = _agreeing(table, i, j)
    i, j = i[ok], j[ok]
    a, b = sizes[i], sizes[j]
    n = _intersections(rows, gid, i, j)
    jac = n / (a + b - n)
    hit = jac >= threshold
    i, j, jac = i[hit], j[hit], jac[hit]
    order = np.lexsort((j, -jac, i))  # per i: highest Jaccard, then smallest j
    i, j, jac = i[order], j[order], jac[order]
    first = np.r_[True, i[1:] != i[:-1]] if len(i) else np.zeros(0, dtype=bool)
    return {int(x): (int(y), float(z)) for x, y, z in zip(i[first], j[first], jac[first])}
