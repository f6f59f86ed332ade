"""Access policy in one place: the ``role_required`` decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from quizapp.models import Role
from quizapp.security.sessions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let through only principals with one of ``roles``: others are sent to sign in or get 403."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if Role.PATIENT in roles and len(roles) == 1:
                    from flask import redirect, url_for

                    return redirect(url_for("patient.start"))
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
