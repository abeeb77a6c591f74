"""Access to staff pages: who may open which workbench page, decided in one place."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from audit.services import Actor, client_ip

from .selectors import staff_context


def staff_required(*roles: str):
    """The user must hold a staff role (one of ``roles`` when given); ``request.staff`` is their context."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            context = staff_context(request.user)
            if not context.roles or (roles and not context.has(*roles)):
                raise PermissionDenied("您没有访问此页面的权限。")
            request.staff = context
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def request_actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip=client_ip(request))
