"""The bad-input checklist's cases and the kit they are written with (tests/test_bad_inputs.py runs them)."""
