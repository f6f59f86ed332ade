"""Forms of the auth blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=200)]
    )
    next = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=200)],
    )
    new = PasswordField(
        "New password (12 characters or more)",
        validators=[DataRequired("Enter a new password."), Length(max=200)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("new", "The two new passwords differ."),
        ],
    )
