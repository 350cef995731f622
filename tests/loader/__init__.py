"""The loader's tests (formerly tests/test_load_raw.py), one module per concern."""
