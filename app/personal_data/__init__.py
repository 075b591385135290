"""Personal data: export, erasure and the retention purge, for the focal point and the admin."""
