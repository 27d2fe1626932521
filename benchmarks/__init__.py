"""Build benchmarks, kept apart from the tests: `python -m benchmarks.build_bench`."""
