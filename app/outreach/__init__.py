"""Outreach to member states: HR publishes requests, focal points nominate their experts and answer
release consultations."""
