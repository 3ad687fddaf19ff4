"""Suppliers' side of contract monitoring: their contracts, returns due, one page per period with a
row per KPI and evidence, and a CSV upload of a whole return. A supplier sees only its own
contracts: any other contract is 404 (``Contract.objects.visible_to``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from suppliers.models import Supplier

from .. import contract_services as services
from .. import monitoring, return_csv, schedule
from ..contract_forms import ReturnCsvForm, ReturnForm
from ..contract_models import Evidence, KpiReturn, ReturnStatus
from ..models import Contract
from .contracts import evidence_response, form_errors_from


def _suppliers(request):
    """The organisations the signed-in user acts for; council users have none."""
    suppliers = Supplier.objects.visible_to(request.user).filter(members__user=request.user)
    if not suppliers.exists():
        raise PermissionDenied
    return suppliers


def _own_contracts(request):
    return Contract.objects.visible_to(request.user).filter(supplier__in=_suppliers(request))


def _own_contract(request, pk):
    return get_object_or_404(_own_contracts(request).select_related("council", "supplier"), pk=pk)


@login_required
def supplier_contract_list(request):
    """Your contracts, with the returns due now and overdue at the top: two queries however many."""
    contracts = list(_own_contracts(request).select_related("council", "supplier").order_by("end_date", "reference"))
    due, corrections = monitoring.returns_due(contracts, today=timezone.localdate())
    return render(
        request,
        "procurement/supplier_contract_list.html",
        {"contracts": contracts, "due": due, "corrections": corrections},
    )


@login_required
def supplier_contract_detail(request, pk):
    contract = _own_contract(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "procurement/supplier_contract_detail.html",
        {
            "contract": contract,
            "kpi_rows": monitoring.kpi_rows(
                contract, today=today, tolerances=monitoring.tolerances_for(contract.council)
            ),
            "periods": monitoring.period_rows(contract, list(contract.returns.all()), today=today),
            "today": today,
            "back": reverse("supplier_contract_list"),
        },
    )


def _period(contract, number):
    try:
        return services.period_of(contract, number)
    except ValidationError:
        from django.http import Http404

        raise Http404("No such reporting period") from None


def _existing_return(contract, period):
    return KpiReturn.objects.filter(contract=contract, period_start=period.start).first()


@login_required
def supplier_return(request, pk, number):
    """One page per period: a row per KPI (quantity, comment), evidence upload, save or submit."""
    contract = _own_contract(request, pk)
    period = _period(contract, number)
    today = timezone.localdate()
    if period.start > today:
        messages.error(request, f"Returns for {period.label()} open when the period starts.")
        return redirect("supplier_contract_detail", pk=contract.pk)
    kpi_return = _existing_return(contract, period)
    kpis = list(contract.kpis.all())
    lines = {line.kpi_id: line for line in kpi_return.lines.all()} if kpi_return else {}
    if kpi_return is None or kpi_return.status == ReturnStatus.DRAFT:
        editable = {k.pk for k in kpis}
    elif kpi_return.status == ReturnStatus.CHANGES_REQUESTED:
        editable = {kpi_id for kpi_id, line in lines.items() if line.status == "rejected"}
    else:
        editable = set()
    form = ReturnForm(request.POST or None, request.FILES or None, kpis=kpis, editable=editable, lines=lines)
    if request.method == "POST" and editable and form.is_valid():
        upload = form.cleaned_data.get("evidence")
        uploads = [services.Upload(upload.name, upload.read(), form.cleaned_data.get("evidence_kpi"))] if upload else []
        submitting = request.POST.get("action") == "submit"
        try:
            with transaction.atomic():  # all or nothing: a bad file or a missing figure saves nothing
                kpi_return = services.return_open(contract=contract, number=number, today=today)
                services.return_save(kpi_return=kpi_return, by=request.user, lines=form.lines())
                if submitting:
                    services.return_submit(kpi_return=kpi_return, by=request.user)
                # Last, so nothing is written to disk unless everything else succeeded.
                services.evidence_attach(kpi_return=kpi_return, by=request.user, uploads=uploads)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            if submitting:
                messages.success(request, "Return submitted. The council's contract manager will verify it.")
                return redirect("supplier_contract_detail", pk=contract.pk)
            messages.success(request, "Return saved as a draft." + (" Evidence added." if uploads else ""))
            return redirect("supplier_return", pk=contract.pk, number=number)
    return render(
        request,
        "procurement/supplier_return.html",
        {
            "contract": contract,
            "number": number,
            "period": period,
            "due": schedule.due_date(period),
            "kpi_return": kpi_return,
            "form": form,
            "editable": bool(editable),
            "evidence": list(kpi_return.evidence.select_related("line__kpi")) if kpi_return else [],
            "back": reverse("supplier_contract_detail", kwargs={"pk": contract.pk}),
        },
    )


@login_required
def supplier_return_upload(request, pk, number):
    """Upload a whole return as CSV (columns kpi, quantity, comment): every row valid, or nothing saved."""
    contract = _own_contract(request, pk)
    period = _period(contract, number)
    today = timezone.localdate()
    form = ReturnCsvForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                kpi_return = services.return_open(contract=contract, number=number, today=today)
                count = services.return_upload_csv(
                    kpi_return=kpi_return, by=request.user, data=form.cleaned_data["file"].read()
                )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, f"{count} row{'s' if count != 1 else ''} uploaded. Check the figures and submit the return."
            )
            return redirect("supplier_return", pk=contract.pk, number=number)
    return render(
        request,
        "procurement/supplier_return_upload.html",
        {
            "contract": contract,
            "number": number,
            "period": period,
            "form": form,
            "kpis": list(contract.kpis.all()),
            "columns": return_csv.COLUMNS,
            "back": reverse("supplier_return", kwargs={"pk": contract.pk, "number": number}),
        },
    )


@login_required
def supplier_evidence(request, pk, evidence_pk):
    contract = _own_contract(request, pk)
    item = get_object_or_404(Evidence.objects.filter(kpi_return__contract=contract), pk=evidence_pk)
    return evidence_response(item)
