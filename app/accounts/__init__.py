"""Accounts: logging in and out, the home page of each role, users and organisations (admin)."""
