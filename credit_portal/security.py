"""Security headers on every response: a Content-Security-Policy that allows only this site's own files.

The public pages load no script, style, font or image from elsewhere and use no inline script or style,
so the policy can be strict. The interactive API docs (Swagger UI) start with an inline script: only that
page gets 'unsafe-inline' for scripts.

The Django admin (5.2) runs with scripts from 'self' only: its templates load every script from a file and
pass data in data-* attributes (change_form.js, prepopulate_init.js, popup_response.js, inlines.js), so an
injected inline script would not run there either. Its styles keep 'unsafe-inline': the change list
writes a <style> block when actions are hidden, and admin widgets of other packages commonly style
inline; styles cannot run code.
"""

STRICT = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
API_DOCS = STRICT.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
ADMIN = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def policy_for(path: str) -> str:
    if path.startswith("/api/docs/"):
        return API_DOCS
    if path.startswith("/admin/"):
        return ADMIN
    return STRICT


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", policy_for(request.path))
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response
