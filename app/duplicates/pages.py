"""What the focal point's and HR's duplicates pages share: the pair form, the pager, and the
handlers of a posted merge or "not the same person"."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import abort, current_app, flash, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from app.common.errors import Conflict, NotAllowed
from app.common.permissions import expert_for
from app.duplicates import finding as duplicates
from app.models import Expert


class PairForm(FlaskForm):
    """One flagged pair as the person saw it: both records, their versions, the one to keep."""

    first_id = HiddenField()
    second_id = HiddenField()
    first_version = HiddenField()
    second_version = HiddenField()
    keep = HiddenField()  # shown as two radio buttons; only the merge form sends it


@dataclass
class PairPage:
    """A page of pairs, shaped like Flask-SQLAlchemy's pagination for the ``pager`` macro."""

    items: list[duplicates.DuplicatePair]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(matches: list[duplicates.Match]) -> PairPage:
    """The requested page of ``matches`` (``?page=``), with only that page's experts loaded."""
    per_page = int(current_app.config["PAGE_SIZE"])
    number = max(1, request.args.get("page", 1, type=int) or 1)
    number = min(number, max(1, math.ceil(len(matches) / per_page)))
    shown = matches[(number - 1) * per_page : number * per_page]
    return PairPage(duplicates.load(shown), number, per_page, len(matches))


def _whole(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        abort(400)


def _pair(form: PairForm, edit: bool) -> tuple[Expert, Expert]:
    """Both experts of a posted pair; 404 for one the user may not see (or, ``edit``, change)."""
    if not form.validate_on_submit():
        abort(400)
    first_id, second_id = _whole(form.first_id.data), _whole(form.second_id.data)
    return (
        expert_for(current_user, first_id, edit=edit),
        expert_for(current_user, second_id, edit=edit),
    )


def merge_posted(edit: bool) -> None:
    """Merge the posted pair, keeping the record the person chose; flash what happened."""
    form = PairForm()
    first, second = _pair(form, edit)
    versions = {first.id: form.first_version.data, second.id: form.second_version.data}
    keep_id = _whole(form.keep.data)
    if keep_id not in versions:
        abort(400)
    keep, drop = (first, second) if keep_id == first.id else (second, first)
    try:
        duplicates.merge(
            keep, drop, current_user, _whole(versions[keep.id]), _whole(versions[drop.id])
        )
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(
            _(
                "%(dropped)s (#%(dropped_id)s) is merged into %(kept)s (#%(kept_id)s).",
                dropped=drop.full_name,
                dropped_id=drop.id,
                kept=keep.full_name,
                kept_id=keep.id,
            ),
            "success",
        )


def not_duplicate_posted(edit: bool) -> None:
    """Record that the posted pair are two people; flash what happened."""
    first, second = _pair(PairForm(), edit)
    try:
        duplicates.not_duplicate(first, second, current_user)
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash(
            _(
                "%(first)s (#%(first_id)s) and %(second)s (#%(second_id)s) are recorded as "
                "different people; they are no longer flagged.",
                first=first.full_name,
                first_id=first.id,
                second=second.full_name,
                second_id=second.id,
            ),
            "success",
        )
