"""Benchmarks behind ``viscoann bench`` and the scripts in the repository's ``bench/``: medians
of repeated runs, baselines measured in the same process on the same inputs, rows in the JSON
format of docs/design.md.

Each topic module (``okada``, ``engine``, ``exact``, ``faults``, ``stress``, ``seed``,
``cycles``, ``kernel``; ``gpu`` behind ``engine --device cuda``) has ``add_arguments(parser)`` and
``run(args) -> list[dict]`` and builds its rows with :mod:`viscoann.bench.rows`; the CLI
prints a table, or one JSON document with ``--json``. Dependencies point one way: this
package imports the topics, the topics import ``rows``, ``workloads`` and ``baselines``, and
none of those imports a topic.
"""

from . import cycles, engine, exact, faults, kernel, okada, seed, stress

#: topic name -> (add_arguments(parser), run(args) -> rows)
TOPICS = {
    "okada": (okada.add_arguments, okada.run),
    "engine": (engine.add_arguments, engine.run),
    "exact": (exact.add_arguments, exact.run),
    "faults": (faults.add_arguments, faults.run),
    "stress": (stress.add_arguments, stress.run),
    "seed": (seed.add_arguments, seed.run),
    "cycles": (cycles.add_arguments, cycles.run),
    "kernel": (kernel.add_arguments, kernel.run),
}

__all__ = ["TOPICS"]
