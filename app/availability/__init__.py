"""Availability that is current: when a profile is stale, the signed links by which an expert
confirms, changes or withdraws without an account, and the pages of the focal point and the
expert."""
