"""Who may come in: the decorator every council page uses.

The council is looked up through ``Council.objects.visible_to(user)``, so a user outside the
council (another council's officer, a supplier) gets 404 and learns nothing; a council member
without the role a page needs gets 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Council


def council_view(*roles: str):
    """Resolve ``council`` from the URL for a member of it, optionally holding one of ``roles``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, council, *args, **kwargs):
            council_obj = get_object_or_404(Council.objects.visible_to(request.user), slug=council)
            if roles and not request.user.is_superuser and not request.user.has_council_role(council_obj, *roles):
                raise PermissionDenied
            request.council = council_obj
            return view(request, council_obj, *args, **kwargs)

        return wrapped

    return decorator
