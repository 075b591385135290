"""The public page an expert reaches from a reconfirmation email: no account, a signed link."""
