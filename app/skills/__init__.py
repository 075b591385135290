"""Skill names offered while typing, from the normalised vocabulary (``common.vocabulary``)."""
