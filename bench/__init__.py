"""Benchmarks (not part of the application or the test suite). See bench/README.md."""
