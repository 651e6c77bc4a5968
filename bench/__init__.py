"""Benchmarks (run by hand; the test suite only smoke-tests them)."""
