"""Forms of the patient blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    code = StringField(
        "Your access code",
        validators=[DataRequired("Please type the code from your paper slip."), Length(max=64)],
    )
