"""Dependencies between measures form no cycle: a measure cannot wait, even indirectly, for itself.

Source: abgeleitet — a plan whose measures wait for each other in a circle can never start
(the precedence graph of a roadmap must be acyclic, as in any network plan).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def find_cycle(edges: Iterable[tuple[int, int]], new_edge: tuple[int, int]) -> list[int] | None:
    """The cycle that adding `new_edge` (measure → the measure it depends on) to `edges` would close,
    as the ids along it from the measure back to itself ([a, b, c, a]); None if there is none."""
    start, target = new_edge
    if start == target:
        return [start, start]
    graph: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
    # A path from `target` back to `start` closes the circle; breadth-first finds the shortest one.
    previous: dict[int, int] = {target: target}
    frontier = [target]
    while frontier:
        following = []
        for node in frontier:
            for succ in sorted(graph.get(node, ())):
                if succ in previous:
                    continue
                previous[succ] = node
                if succ == start:
                    return _cycle(start, target, previous)
                following.append(succ)
        frontier = following
    return None


def _cycle(start: int, target: int, previous: dict[int, int]) -> list[int]:
    back = [start]
    while back[-1] != target:
        back.append(previous[back[-1]])
    # `back` runs start ← … ← target; the new edge leads start → target, then on to start.
    return [start, *reversed(back)]


def cycle_text(ids: list[int], titles: dict[int, str]) -> str:
    """ "A → B → C → A" from the ids of a cycle and the measures' titles."""
    return " → ".join(titles.get(pk, str(pk)) for pk in ids)
