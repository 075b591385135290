"""Suggested candidates: the matcher's ranking of the roster for a request, the index each worker
keeps, HR's suggestions page and ``civcap reindex``."""
