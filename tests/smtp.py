"""A real SMTP server on loopback for the tests (aiosmtpd), and the app pointed at it.

Its fixtures are registered for every test module (``pytest_plugins`` in conftest):
``smtp`` points the app at the server and returns its ``Inbox``.
"""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

PUBLIC_URL = "https://civcap.example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping what arrives; it refuses recipients named ``refused@...``."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def emails(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp(app, smtp_server):
    """The app sends through the loopback server; returns what arrives there."""
    controller, inbox = smtp_server
    app.config.update(
        MAIL_TRANSPORT="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_TIMEOUT=5,
        MAIL_FROM="civcap <no-reply@civcap.example.org>",
        PUBLIC_URL=PUBLIC_URL,
    )
    return inbox
