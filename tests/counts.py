"""What the attack suites tried, printed at the end of the run (tests/conftest.py)."""

TRIED: dict[str, str] = {}
