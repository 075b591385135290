"""The dashboards' GET filters (no CSRF: filtering changes nothing)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, ValidationError
from wtforms.validators import Optional

from app.common.forms import SelectField, area_choices, choices, filter_values
from app.common.reference import region_name
from app.dashboards.figures import DashboardFilters
from app.dashboards.figures.filters import regions


class DashboardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    period_from = DateField(_l("Submitted from"), validators=[Optional()])
    period_to = DateField(_l("Submitted until"), validators=[Optional()])
    area = SelectField(_l("Core area"), default="")
    region = SelectField(_l("Experts' region"), default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Named in the reader's language, so made per request.
        self.area.choices = area_choices(blank=_("Any area"))
        self.region.choices = choices(
            ((r, region_name(r)) for r in regions()), blank=_("Any region")
        )

    def validate_period_to(self, field: DateField) -> None:
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError(_("must not be before the start of the period"))

    def filters(self) -> DashboardFilters:
        """The filters that parsed; a wrong one is shown on its field and ignored."""
        values = filter_values(self)

        def day(name: str) -> date | None:
            value = values.get(name)
            return value if isinstance(value, date) else None

        def text(name: str) -> str | None:
            return str(values.get(name) or "").strip() or None

        return DashboardFilters(
            period_from=day("period_from"),
            period_to=day("period_to"),
            area=text("area"),
            region=text("region"),
        )
