"""Who may reach supplier and diversity pages, beyond ``socialvalue.access.council_view``."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from socialvalue.access import council_view

from .models import DiversityAccess, Supplier


def diversity_view(view):
    """A council page showing individual diversity answers: the DiversityAccess grant is needed.

    Other members of the council get 403 (they may know the page exists, not what it says);
    outsiders get 404 from ``council_view``.
    """

    @council_view()
    @wraps(view)
    def wrapped(request, council, *args, **kwargs):
        if not request.user.is_superuser and not DiversityAccess.held_by(request.user, council):
            raise PermissionDenied
        return view(request, council, *args, **kwargs)

    return wrapped


def supplier_view(*, admin: bool = False):
    """Resolve ``<int:supplier>`` among the user's own organisations (404 for others).

    With ``admin``, a member who is not a supplier admin gets 403.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, supplier, *args, **kwargs):
            own = Supplier.objects.visible_to(request.user).acting_for(request.user)
            supplier_obj = get_object_or_404(own, pk=supplier)
            if admin and not Supplier.objects.administered_by(request.user).filter(pk=supplier_obj.pk).exists():
                raise PermissionDenied
            return view(request, supplier_obj, *args, **kwargs)

        return wrapped

    return decorator
