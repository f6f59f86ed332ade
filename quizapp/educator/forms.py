"""Forms of the educator blueprint."""

from __future__ import annotations

import datetime as dt
import secrets

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

DATE_HELP = "Enter the date as year-month-day, for example 2026-12-24."


class AssignFields(FlaskForm):
    bank = SelectField("Question bank", choices=[], validate_choice=True)
    questions_per_topic = IntegerField(
        "Questions per topic in each round",
        default=2,
        validators=[NumberRange(1, 5, "Choose a number from 1 to 5.")],
    )
    max_rounds = IntegerField(
        "Most rounds allowed",
        default=3,
        validators=[NumberRange(1, 5, "Choose a number from 1 to 5.")],
    )


class PatientForm(AssignFields):
    display_name = StringField(
        "Patient's name (as you will say it)",
        validators=[
            DataRequired("Enter the patient's name."),
            Length(max=120, message="Use 120 characters or fewer."),
        ],
    )
    mrn = StringField(
        "MRN (optional)",
        validators=[Optional(), Length(max=40, message="Use 40 characters or fewer.")],
    )
    consult_date = DateField("Consult date (optional)", validators=[Optional()], format="%Y-%m-%d")
    #: One-time key: sending this form twice cannot enrol the patient twice.
    enrolment_key = HiddenField(default=lambda: secrets.token_urlsafe(24))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consult_date.render_kw = {"aria-describedby": "consult_date-hint"}

    def validate_consult_date(self, field: DateField) -> None:
        if field.data and field.data < dt.date.today():
            raise ValidationError(
                "The consult date is in the past. Check the date, or leave it empty."
            )

    def process_consult_date_error(self) -> None:
        if (
            self.consult_date.errors
            and self.consult_date.raw_data
            and self.consult_date.data is None
        ):
            self.consult_date.errors = [DATE_HELP]


class AssignForm(AssignFields):
    pass


class ActionForm(FlaskForm):
    """Nothing but the CSRF token: reissue and revoke buttons."""
