"""caseflow: a grievance case engine for residential-community governance.

The app factory lives in `caseflow.app` so that importing the pure domain loads no Flask.
"""
