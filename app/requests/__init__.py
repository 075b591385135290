"""Requests for expertise: drafting and submitting (the requester), the lifecycle after submission
(accept, revise, close, cancel) and the pages of the requester and of HR."""
