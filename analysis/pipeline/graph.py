"""The dependency graph of a run: which job waits for which, from what notebooks read and write.

Each notebook declares ``reads`` and ``writes`` (globs prefixed ``raw/`` or ``out/``; a write
may name keys of a JSON file as ``out/results/numbers.json#power``; ``{year}`` in a per-year
notebook's writes is that job's year). A job runs after every job whose writes overlap its
reads; two jobs whose writes overlap are refused, and so is a cycle. A notebook without
``writes`` is a barrier (it runs after every job before it in NN order, and every later job
after it), so an undeclared notebook keeps the sequential order. The report runs last: the
manifest it reads lists every other job.

Only the standard library is imported here (``graphlib``), so planning a no-op run stays cheap.
"""

from __future__ import annotations

from functools import lru_cache
from graphlib import CycleError, TopologicalSorter
from typing import Callable, Protocol, Sequence


class GraphError(ValueError):
    """The declared reads and writes cannot be ordered: a cycle, or two writers of one file."""


class PlannedJob(Protocol):
    label: str
    reads: tuple[str, ...]
    writes: tuple[str, ...] | None  # None: not declared
    report: bool


@lru_cache(maxsize=4096)
def _tokens(pattern: str) -> tuple[str, ...]:
    """``**`` (any text), ``*`` (any text without '/'), ``?`` or a class (one character but '/'), or a literal."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append("**")
            i += 2
        elif pattern[i] == "*":
            out.append("*")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1:]:
            out.append("?")  # a class is treated as any one character: an overlap is never missed
            i = pattern.index("]", i + 1) + 1
        else:
            out.append(pattern[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=65536)  # the per-year jobs declare the same globs: each pair is compared once
def globs_overlap(a: str, b: str) -> bool:
    """True when some path matches both globs (exact for ``*``, ``**``, ``?``; classes err towards True)."""
    ta, tb = _tokens(a), _tokens(b)
    star = ("*", "**")

    def takes(s: str, t: str) -> bool:  # can star ``s`` absorb the one-character token ``t``?
        return s == "**" or t != "/"

    @lru_cache(maxsize=None)
    def meet(i: int, j: int) -> bool:
        if i == len(ta) or j == len(tb):
            rest = ta[i:] if j == len(tb) else tb[j:]
            return all(t in star for t in rest)
        x, y = ta[i], tb[j]
        if x in star and y in star:  # what both stars take at once can be dropped from the path
            return meet(i + 1, j) or meet(i, j + 1)
        if x in star:
            return meet(i + 1, j) or (takes(x, y) and meet(i, j + 1))
        if y in star:
            return meet(i, j + 1) or (takes(y, x) and meet(i + 1, j))
        if x == "?" or y == "?":
            return x != "/" and y != "/" and meet(i + 1, j + 1)
        return x == y and meet(i + 1, j + 1)

    return meet(0, 0)


def split_key(target: str) -> tuple[str, str | None]:
    """``out/results/numbers.json#power`` -> (``out/results/numbers.json``, ``power``)."""
    path, _, key = target.partition("#")
    return path, key or None


def targets_overlap(a: str, b: str) -> bool:
    """Two declared files overlap; keys of one file overlap only when both name overlapping keys or one names none."""
    (pa, ka), (pb, kb) = split_key(a), split_key(b)
    if not globs_overlap(pa, pb):
        return False
    return ka is None or kb is None or globs_overlap(ka, kb)


def dependencies(jobs: Sequence[PlannedJob]) -> dict[str, set[str]]:
    """For each job label, the labels it waits for; raises :class:`GraphError` listing every problem."""
    problems: list[str] = []
    for i, a in enumerate(jobs):
        for b in jobs[i + 1:]:
            if a.writes is None or b.writes is None:
                continue
            shared = sorted({f"{wa} / {wb}" for wa in a.writes for wb in b.writes if targets_overlap(wa, wb)})
            if shared:
                problems.append(f"{a.label} and {b.label} both write {', '.join(shared)}")
    deps: dict[str, set[str]] = {job.label: set() for job in jobs}
    for i, job in enumerate(jobs):
        for j, other in enumerate(jobs):
            if i == j:
                continue
            if job.report and not other.report:
                deps[job.label].add(other.label)
            elif job.writes is None or other.writes is None:
                if j < i:
                    deps[job.label].add(other.label)
            elif any(targets_overlap(r, w) for r in job.reads for w in other.writes):
                deps[job.label].add(other.label)
    try:
        TopologicalSorter(deps).prepare()
    except CycleError as exc:
        cycle = exc.args[1]
        problems.append("a cycle (each feeds the next what it reads): " + " -> ".join(cycle))
    if problems:
        raise GraphError("cannot order the notebooks:\n  " + "\n  ".join(problems))
    return deps


def sequential_order(jobs: Sequence[PlannedJob], deps: dict[str, set[str]]) -> list[str]:
    """A topological order that keeps NN order wherever the graph allows (what ``--jobs 1`` runs)."""
    position = {job.label: k for k, job in enumerate(jobs)}
    done: set[str] = set()
    order: list[str] = []
    while len(order) < len(jobs):
        ready = [j.label for j in jobs if j.label not in done and deps[j.label] <= done]
        nxt = min(ready, key=position.__getitem__)
        order.append(nxt)
        done.add(nxt)
    return order


def priority_order(jobs: Sequence[PlannedJob], deps: dict[str, set[str]], seconds: dict[str, float],
                   default: Callable[[PlannedJob], float] = lambda job: 1.0) -> list[str]:
    """Longest remaining path first (what ``--jobs N`` starts first when several are ready).

    A job's weight is its time in the last run (``seconds``), else ``default``; a job on a
    long chain (the panel before the models) or a long job (the power analysis) starts before
    the short ones that can fill the gaps. Ties keep NN order.
    """
    position = {job.label: k for k, job in enumerate(jobs)}
    waiting_on: dict[str, set[str]] = {job.label: set() for job in jobs}
    for label, before in deps.items():
        for b in before:
            waiting_on[b].add(label)
    weight = {job.label: seconds.get(job.label) or default(job) for job in jobs}
    rest: dict[str, float] = {}
    for label in reversed(sequential_order(jobs, deps)):  # every follower of a job comes later
        rest[label] = weight[label] + max((rest[f] for f in waiting_on[label]), default=0.0)
    return sorted(rest, key=lambda l: (-rest[l], position[l]))
