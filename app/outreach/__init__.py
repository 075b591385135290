"""The member-state focal point's outreach pages: published requests, nominations, releases."""
