"""Benchmarks of the model, its invariants, the closure and the commands (issue 8).

Run them with ``python3 bench/run.py`` (see its docstring); the tests only smoke-test them.
"""
