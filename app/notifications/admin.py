"""The admin's outbox of notifications: what was sent, what waits, what failed.

With the "outbox" transport (development) messages stay here by design and this page is where
they are read; with SMTP it shows what could not be delivered, and "Retry sending now" does
what ``civcap send-mail`` does from cron.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask import request as http_request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.common import security_log
from app.common.forms import filter_values
from app.common.permissions import role_required
from app.extensions import db
from app.models import OutboxMessage, Role
from app.notifications import outbox as mail
from app.notifications.forms import OutboxFilterForm, RetryForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _transport() -> dict[str, object]:
    config = current_app.config
    return {
        "name": config["MAIL_TRANSPORT"],
        "server": f"{config['SMTP_HOST']}:{config['SMTP_PORT']}",
        "starttls": config["SMTP_STARTTLS"],
        "username": config["SMTP_USERNAME"],
        "sender": config["MAIL_FROM"],
    }


@bp.route("/outbox")
@role_required(Role.ADMIN)
def outbox() -> str:
    filters = OutboxFilterForm(formdata=http_request.args)
    status = str(filter_values(filters).get("status") or "")
    page = db.paginate(mail.messages(status or None), per_page=current_app.config["PAGE_SIZE"])
    security_log.record(
        "personal_data.read",
        user=current_user,
        subject=http_request.full_path.rstrip("?"),
        detail=f"outbox list: {len(page.items)} message(s)",
    )
    return render_template(
        "notifications/outbox.html",
        page=page,
        filters=filters,
        counts=mail.status_counts(),
        transport=_transport(),
        retry_form=RetryForm(),
    )


@bp.route("/outbox/<int:message_id>")
@role_required(Role.ADMIN)
def outbox_message(message_id: int) -> str:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    security_log.record(
        "personal_data.read",
        user=current_user,
        subject=http_request.path,
        detail=f"outbox message {message.id} to {message.recipient}",
    )
    return render_template(
        "notifications/outbox_message.html",
        message=message,
        body=mail.readable_body(message),
        transport=_transport(),
    )


@bp.route("/outbox/retry", methods=["POST"])
@role_required(Role.ADMIN)
def retry_outbox() -> Response:
    if not RetryForm().validate_on_submit():
        abort(400)
    result = mail.deliver_pending()
    summary = _(
        "Sent %(sent)s, failed %(failed)s, kept %(kept)s.",
        sent=result.sent,
        failed=result.failed,
        kept=result.kept,
    )
    if not result.tried:
        flash(_("Nothing was waiting to be sent."), "info")
    elif result.kept:
        more = _("The transport is the development outbox: messages stay here.")
        flash(f"{summary} {more}", "info")
    elif result.failed:
        more = _("The failed ones show their error and will be retried.")
        flash(f"{summary} {more}", "error")
    else:
        flash(summary, "success")
    return redirect(url_for("notifications.admin.outbox"))
