"""The audit trail is append-only and records who changed what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, OrganisationKind, Role
from app.models.audit import AuditLogIsAppendOnly
from app.roster import experts as expert_service
from tests.factories import expert_data, make_organisation, make_user


@pytest.fixture
def registered(app):
    org = make_organisation(OrganisationKind.MEMBER_STATE, "Government of GH", "GH")
    fp = make_user(Role.FOCAL_POINT, org)
    expert = expert_service.register(expert_data(), org, fp, "v1")
    return fp, expert


def test_registration_and_update_are_audited_with_before_and_after(registered):
    fp, expert = registered
    expert_service.update(expert, expert_data(title="senior court administrator"), fp, "v1")
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "expert", AuditEvent.entity_id == expert.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["expert.registered", "expert.updated"]
    assert events[0].actor_id == fp.id and events[0].before is None
    assert events[1].before["title"] == "court administrator"
    assert events[1].after["title"] == "senior court administrator"
    assert events[1].after["languages"] == {"en": "C1", "fr": "B2"}
    assert expert.version == 2  # one save, one version: no early autoflush mid-apply


def test_audit_events_cannot_be_changed(registered):
    event = db.session.scalar(sa.select(AuditEvent))
    event.note = "rewritten history"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_audit_events_cannot_be_deleted(registered):
    event = db.session.scalar(sa.select(AuditEvent))
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_a_refused_change_leaves_no_event(registered):
    fp, expert = registered
    from app.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        expert_service.update(expert, expert_data(full_name=""), fp, "v1")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1
