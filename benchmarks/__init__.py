"""groupme_async's benchmark harness: ``python -m benchmarks [--quick] [--only NAME ...]``.

Each measurement is a module with ``run(quick=..., seed=...) -> dict`` that
returns its headline figure (``key``/``value``) and the raw numbers behind it.
See ``benchmarks/README.md``.
"""
