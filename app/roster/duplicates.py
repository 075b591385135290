"""Experts who may be registered twice, for the focal point: the list, merge, "not the same person".

A focal point sees every likely pair touching their member state but decides only on pairs within
it: of a record of another member state they learn that it exists, nothing more (UN HR can merge
those, on /review/duplicates, which uses the form and handlers here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField

from app.extensions import db
from app.models import Expert, ExpertStatus, Role
from app.permissions import can_view_expert, expert_for, role_required
from app.roster.views import bp
from app.services import duplicates
from app.services.errors import Conflict, NotAllowed


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
    label = f"{drop.full_name} (#{drop.id})"
    try:
        duplicates.merge(
            keep, drop, current_user, _whole(versions[keep.id]), _whole(versions[drop.id])
        )
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(f"{label} is merged into {keep.full_name} (#{keep.id}).", "success")


def not_duplicate_posted(edit: bool) -> None:
    """Record that the posted pair are two people; flash what happened."""
    first, second = _pair(PairForm(), edit)
    try:
        duplicates.not_duplicate(first, second, current_user)
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"{first.full_name} (#{first.id}) and {second.full_name} (#{second.id}) are recorded "
            "as different people; they are no longer flagged.",
            "success",
        )


@bp.route("/duplicates")
@role_required(Role.FOCAL_POINT)
def duplicates_list() -> str:
    page = page_of(duplicates.find(current_user.organisation_id))
    return render_template("roster/duplicates.html", page=page, form=PairForm())


@bp.route("/duplicates/merge", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def merge_duplicates() -> Response:
    merge_posted(edit=True)
    return redirect(url_for("roster.duplicates_list"))


@bp.route("/duplicates/not-the-same", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def not_duplicate() -> Response:
    not_duplicate_posted(edit=True)
    return redirect(url_for("roster.duplicates_list"))


# ---- for the roster's own pages (template globals) -------------------------------------------


def _focal_point() -> bool:
    return bool(current_user.is_authenticated and current_user.role is Role.FOCAL_POINT)


@bp.app_template_global()
def roster_duplicate_count() -> int:
    """How many likely pairs touch the focal point's member state (the roster list's notice)."""
    return duplicates.count(current_user.organisation_id) if _focal_point() else 0


@bp.app_template_global()
def roster_duplicates_of(expert: Expert) -> list[duplicates.DuplicatePair]:
    """The likely duplicates of one expert (the expert page's notice)."""
    return duplicates.load(duplicates.matches_of(expert)) if _focal_point() else []


@bp.app_template_global()
def roster_merged_into(expert: Expert) -> Any:
    """The record a merged expert was merged into, if the user may see it; else None."""
    if expert.status is not ExpertStatus.MERGED or expert.merged_into_id is None:
        return None
    kept = db.session.get(Expert, expert.merged_into_id)
    return kept if kept is not None and can_view_expert(current_user, kept) else None
