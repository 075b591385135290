"""HR's dashboard figures are kept while what they count stands still: a second view reads the
watermark only; any change to what they count (an expert, a request, a candidate, a ranking)
makes the next view compute afresh, so a figure is never older than its data."""

from __future__ import annotations

from datetime import date

import pytest

from app.candidates import workflow
from app.dashboards.figures import DashboardFilters, by_area
from app.dashboards.figures.cached import hr_figures
from app.extensions import db
from app.models import RequestStatus
from tests.factories import make_expert, make_request
from tests.statements import Statements

TODAY = date(2027, 1, 10)


@pytest.fixture
def world(ghana, mission, requester):
    make_expert(ghana, full_name="Ama Owusu", areas=["justice"], available_from=date(2027, 1, 1))
    return make_request(mission, RequestStatus.OPEN, created_by=requester, area="justice")


def justice(figures) -> int:
    return next(a.experts for a in figures.areas if a.area_code == "justice")


def test_a_second_view_reads_only_the_watermark(app, world):
    f = DashboardFilters(today=TODAY)
    first = hr_figures(f)
    with Statements() as sent:
        again = hr_figures(f)
    assert sent.count == 1
    assert again == first and again.areas == by_area(f)


def test_each_change_to_what_they_count_computes_them_afresh(app, world, ghana, hr):
    f = DashboardFilters(today=TODAY)
    assert justice(hr_figures(f)) == 1

    kofi = make_expert(ghana, full_name="Kofi Mensah", areas=["justice"],
                       available_from=date(2027, 1, 1))  # fmt: skip
    assert justice(hr_figures(f)) == 2

    kofi.areas = [a for a in kofi.areas if a.code != "justice"]
    kofi.title = "court clerk"  # an edit through the service changes the record too
    db.session.commit()
    assert justice(hr_figures(f)) == 1

    before = hr_figures(f).funnel
    workflow.add(world, kofi, hr)
    assert hr_figures(f).funnel != before  # a new candidate is in the funnel at once

    with Statements() as sent:
        hr_figures(DashboardFilters(today=date(2027, 1, 11)))  # another day: computed
    assert sent.count > 1


@pytest.fixture
def in_files(app, tmp_path):
    """The figures kept in files, as every worker of a machine keeps them outside the tests."""
    from app.extensions import cache

    settings = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "cache")}
    app.config.update(settings)
    cache.init_app(app, config={**app.config, **settings})
    yield tmp_path / "cache"
    app.config.update(CACHE_TYPE="SimpleCache", CACHE_DIR=None)
    cache.init_app(app, config={**app.config})


def test_figures_kept_in_files_are_read_by_another_worker_without_computing(app, world, in_files):
    f = DashboardFilters(today=TODAY)
    first = hr_figures(f)
    assert list(in_files.iterdir())  # saved for the other workers of the machine
    with Statements() as sent:
        again = hr_figures(f)  # as another worker would: from the file
    assert sent.count == 1 and again == first


def test_threads_asking_for_cold_figures_at_once_compute_them_once(
    app, world, in_files, monkeypatch
):
    import threading

    from app.dashboards.figures import cached

    computed = []
    real = cached.by_area

    def counted(f):
        computed.append(f)
        return real(f)

    f = DashboardFilters(today=TODAY)
    db.session.commit()
    answers = []

    def view():
        with app.app_context():
            answers.append(hr_figures(f))

    monkeypatch.setattr(cached, "by_area", counted)
    threads = [threading.Thread(target=view) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 4 and len(computed) == 1
    assert all(a == answers[0] for a in answers)
