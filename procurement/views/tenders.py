"""Suppliers' side: opportunities open to them, and their tender with its social value commitments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suppliers.models import Supplier
from toms import calculation

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
        Procurement.objects.visible_to(request.user).open_to(supplier).select_related("council", "calculator"),
        pk=pk,
    )


def _own_tender(procurement, supplier):
    return Tender.objects.filter(procurement=procurement, supplier=supplier).first()


def _tender_form(procurement, tender, data):
    measures = procurement.calculator.ordered_measures() if procurement.calculator_id else []
    commitments = {c.measure_id: c.quantity for c in tender.commitments.all()} if tender else {}
    form = TenderForm(data, instance=tender, procurement=procurement, measures=measures, commitments=commitments)
    # static/js/calculator.js updates the social value panel from this form as the supplier types.
    form.helper.form_id = "calculator-form"
    form.helper.attrs["data-result-url"] = reverse("tender_calculate", kwargs={"pk": procurement.pk})
    return form


def _calculation(procurement, form):
    """The social value panel: the engine's result for the quantities typed, as % of the price."""
    if not form.is_bound or not form.is_valid():
        return None, []
    try:
        result = services.commitments_calculate(
            procurement=procurement, quantities=form.quantities(), price=form.cleaned_data.get("price")
        )
    except ValidationError as exc:
        return None, exc.messages
    return result, []


def tender_result(tender):
    """The saved commitments valued as they were saved (their frozen proxy values)."""
    commitments = list(tender.commitments.select_related("measure"))
    if not commitments:
        return None
    measures = [
        calculation.MeasureInput(
            code=c.measure.code,
            name=c.measure.name,
            unit=c.measure.unit,
            theme="",
            outcome="",
            proxy_values={c.year: c.proxy_value},
        )
        for c in commitments
    ]
    return calculation.calculate(
        measures,
        [calculation.Line(c.measure.code, c.quantity) for c in commitments],
        year=commitments[0].year,
        contract_value=tender.price,
    )


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
    form = _tender_form(procurement, tender, request.POST or None)
    if request.method == "POST" and not procurement.accepting_tenders:
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
                quantities=form.quantities(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("tender_check", pk=procurement.pk)
    if form.is_bound:
        result, problems = _calculation(procurement, form)
    else:
        result, problems = (tender_result(tender) if tender else None), []
    return render(
        request,
        "procurement/tender_form.html",
        {
            "supplier": supplier,
            "procurement": procurement,
            "form": form,
            "result": result,
            "problems": problems,
            "back": reverse("opportunity_detail", kwargs={"pk": procurement.pk}),
        },
    )


@login_required
def tender_calculate(request, pk):
    """Just the social value panel, for the script that updates it as the supplier types."""
    supplier = _supplier(request)
    procurement = _opportunity(request, supplier, pk)
    form = _tender_form(procurement, _own_tender(procurement, supplier), request.GET)
    form.fields["social_value_response"].required = False  # the script sends figures only
    result, problems = _calculation(procurement, form)
    return render(
        request,
        "toms/_calculation_result.html",
        {"form": form, "result": result, "problems": problems, "fragment": True},
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
            "result": tender_result(tender),
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
