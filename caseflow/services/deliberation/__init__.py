"""Meetings, minutes, votes and ballots as the edges read and write them.

`access` says whose area a complex lies in (the one jurisdiction test, on the unit closure
table); `reads` hands each viewer what the read policy lets them see, masked once;
`writes` checks the writer against the same jurisdiction and hands back what they may see.
The rules of meetings and votes themselves stay in `caseflow.services.meetings` and
`caseflow.services.voting`.
"""
