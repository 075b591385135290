"""Candidates: the selection workflow (transitions by role, reason codes, four eyes, positions),
the queries the pages ask, HR's shortlist pages and its CSV export."""
