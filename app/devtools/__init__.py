"""Developer tools: demo data, the matching evaluation and benchmarks, the dashboard benchmark
and the data it generates. No feature imports this package; its commands are registered as
Flask CLI plugins (``pyproject.toml``)."""
