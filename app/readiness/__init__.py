"""Readiness: what a selected expert needs before they can go (screening, release, clearance,
training, passport, visa), and the two gates it holds: selection and deployment."""
