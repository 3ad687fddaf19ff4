"""Suppliers' side: opportunities open to them, and their tender with its social value commitments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suppliers.models import Supplier

from .. import services
from ..forms import TenderForm
from ..models import Procurement, Tender


def _supplier(request):
    """The organisation the signed-in supplier user acts for; council users have none."""
    supplier = Supplier.objects.visible_to(request.user).filter(members__user=request.user).first()
    if supplier is None:
        raise PermissionDenied
    return supplier


def _opportunity(request, supplier, pk):
    return get_object_or_404(
        Procurement.objects.visible_to(request.user).open_to(supplier).select_related("council"),
        pk=pk,
    )


def _own_tender(procurement, supplier):
    return Tender.objects.filter(procurement=procurement, supplier=supplier).first()


@login_required
def opportunity_list(request):
    supplier = _supplier(request)
    procurements = (
        Procurement.objects.visible_to(request.user)
        .open_to(supplier)
        .select_related("council")
        .prefetch_related(Prefetch("tenders", queryset=Tender.objects.filter(supplier=supplier), to_attr="own"))
        .order_by("tender_deadline", "reference")
    )
    return render(request, "procurement/opportunity_list.html", {"supplier": supplier, "procurements": procurements})


@login_required
def opportunity_detail(request, pk):
    supplier = _supplier(request)
    procurement = _opportunity(request, supplier, pk)
    return render(
        request,
        "procurement/opportunity_detail.html",
        {
            "supplier": supplier,
            "procurement": procurement,
            "tender": _own_tender(procurement, supplier),
            "outcomes": procurement.outcomes.select_related("theme"),
            "back": reverse("opportunity_list"),
        },
    )


@login_required
def tender_edit(request, pk):
    supplier = _supplier(request)
    procurement = _opportunity(request, supplier, pk)
    tender = _own_tender(procurement, supplier)
    form = TenderForm(request.POST or None, instance=tender, procurement=procurement)
    if not procurement.accepting_tenders and request.method == "POST":
        form.is_valid()
        form.add_error(None, "The deadline for tenders has passed: tenders can no longer be changed")
    elif request.method == "POST" and form.is_valid():
        try:
            services.tender_save(
                procurement=procurement,
                supplier=supplier,
                by=request.user,
                price=form.cleaned_data["price"],
                social_value_response=form.cleaned_data["social_value_response"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("tender_check", pk=procurement.pk)
    return render(
        request,
        "procurement/tender_form.html",
        {
            "supplier": supplier,
            "procurement": procurement,
            "form": form,
            "back": reverse("opportunity_detail", kwargs={"pk": procurement.pk}),
        },
    )


@login_required
def tender_check(request, pk):
    supplier = _supplier(request)
    procurement = _opportunity(request, supplier, pk)
    tender = _own_tender(procurement, supplier)
    if tender is None:
        return redirect("tender_edit", pk=procurement.pk)
    return render(
        request,
        "procurement/tender_check.html",
        {
            "supplier": supplier,
            "procurement": procurement,
            "tender": tender,
            "back": reverse("tender_edit", kwargs={"pk": procurement.pk}),
        },
    )


@require_POST
@login_required
def tender_submit(request, pk):
    supplier = _supplier(request)
    procurement = _opportunity(request, supplier, pk)
    tender = get_object_or_404(Tender.objects.visible_to(request.user), procurement=procurement, supplier=supplier)
    try:
        services.tender_submit(tender=tender, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("tender_check", pk=procurement.pk)
    return render(request, "procurement/tender_submitted.html", {"procurement": procurement, "tender": tender})
