"""What the apps ask of a request, whatever the domain."""


def is_api(request) -> bool:
    """Whether the request is a system's (``/api/``: answered in JSON) rather than a person's (a page)."""
    return request.path.startswith("/api/")
