"""What an admin reads in the outbox: every message, but never the token of a signed link."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.availability import links
from app.extensions import db
from app.models import OutboxMessage
from tests.conftest import login
from tests.factories import make_expert


def test_the_outbox_hides_the_token_of_a_reconfirmation_link(app, ghana, focal, admin):
    grace = make_expert(ghana, full_name="Grace Mensah", email="grace@example.org")
    links.send_reconfirmation([grace], focal)
    message = db.session.scalar(sa.select(OutboxMessage))
    token = re.search(r"/confirm/(\S+)", message.body).group(1)
    assert token == links.token_for(db.session.get(type(grace), grace.id))  # the email has it

    page = login(app, admin.email).get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Dear Grace" in page  # the admin reads the message
    assert "/confirm/[token hidden: only its recipient may use this link]" in page
    assert token not in page
