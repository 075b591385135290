"""Serving civcap in production: ``civcap serve`` (gunicorn), health checks for what runs it
(``/healthz``, ``/readyz``) and logs as JSON lines with a request id and nothing personal."""
