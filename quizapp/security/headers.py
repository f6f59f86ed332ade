"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    """Add the headers after every request."""
    fixed = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if app.config["QUIZAPP_HTTPS"]:
        fixed.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    # Pages are personal: a signed-in page must never be stored by the browser or a proxy.
    no_store = ("Cache-Control", "no-store")
    wanted = [(key.lower(), (key, value)) for key, value in fixed]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        # One pass over the few headers the view set (Headers.setdefault scans them per name).
        present = {key.lower() for key in headers.keys()}
        headers.extend([pair for lower, pair in wanted if lower not in present])
        if "cache-control" not in present and not request.path.startswith("/static/"):
            headers.add(*no_store)
        return response
