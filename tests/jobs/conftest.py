"""The job tests' app on the test run's Redis."""

from __future__ import annotations

import pytest

from app.jobs.broker import jobs_of


@pytest.fixture
def on_redis(app, redis):
    """The app queues its jobs on the test run's Redis (as production does)."""
    app.config.update(
        JOBS_BROKER_URL=redis.url, JOBS_HEARTBEAT_SECONDS=2, JOBS_MAINTENANCE_CHANCE=1_000_000
    )
    yield jobs_of(app).broker
    jobs_of(app).close()
