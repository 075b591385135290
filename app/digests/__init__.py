"""What waits for each staff member (``awaiting``), and the daily digest emailed to them."""
