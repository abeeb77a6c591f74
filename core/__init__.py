"""The lowest layer: plain building blocks every app may use and that use no app (tests/test_project.py)."""
