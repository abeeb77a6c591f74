"""Security headers on every response: a Content-Security-Policy that allows only this site's own files.

The public pages load no script, style, font or image from elsewhere and use no inline script or style,
so the policy can be strict. The interactive API docs (Swagger UI) start with an inline script: only that
page gets 'unsafe-inline' for scripts.
"""

STRICT = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
API_DOCS = STRICT.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
RELAXED_PREFIXES = ("/api/docs/", "/admin/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        relaxed = request.path.startswith(RELAXED_PREFIXES)
        response.setdefault("Content-Security-Policy", API_DOCS if relaxed else STRICT)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response
