"""Experts registered twice: finding the likely pairs, merging them or marking them as different
people, for the focal point (within their state) and HR (across states)."""
