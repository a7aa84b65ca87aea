"""Public accountability (seeds 002-004): assessments of property teams with their frozen
results and history (panel), owners' rating rounds (rounds), the public ratings (public)
and a complex's 双晒 accounts (ledger)."""
