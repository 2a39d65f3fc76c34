"""Unit tests of engine.helpers (a package so module names do not clash with tests/unit)."""
