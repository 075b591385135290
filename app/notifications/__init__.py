"""Notifications: the emails people wait for, the transactional outbox they go through, the
admin's outbox page and ``civcap send-mail``."""
