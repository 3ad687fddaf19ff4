from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import render

from .models import Supplier, SupplierMember


@login_required
def supplier_home(request):
    """Your organisation: the suppliers you act for and your colleagues there."""
    suppliers = Supplier.objects.visible_to(request.user).prefetch_related(
        Prefetch("members", queryset=SupplierMember.objects.select_related("user").order_by("user__email"))
    )
    if not suppliers:
        raise PermissionDenied  # only people acting for a supplier have an organisation page
    return render(request, "suppliers/home.html", {"suppliers": suppliers})
