"""The dashboards' GET filters (no CSRF: filtering changes nothing)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import Optional

from app.common.forms import area_choices, choices, filter_values
from app.dashboards.figures import DashboardFilters
from app.dashboards.figures.filters import regions


class DashboardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    period_from = DateField("Submitted from", validators=[Optional()])
    period_to = DateField("Submitted until", validators=[Optional()])
    area = SelectField("Core area", default="")
    region = SelectField("Experts' region", default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area.choices = area_choices(blank="Any area")
        self.region.choices = choices(((r, r) for r in regions()), blank="Any region")

    def validate_period_to(self, field: DateField) -> None:
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError("must not be before the start of the period")

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
