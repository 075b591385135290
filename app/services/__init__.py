"""Services own civcap's business rules and transactions; views and commands call them."""
