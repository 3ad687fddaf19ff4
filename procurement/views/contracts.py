"""Contract monitoring pages for council members: the register, contracts needing attention, a
contract's KPIs and returns, verification, ratings, remedies, entering and importing contracts."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from socialvalue.access import council_view
from socialvalue.models import Role

from .. import contract_services as services
from .. import monitoring, ocds_import
from ..contract_forms import (
    ContractFilterForm,
    ContractForm,
    KpiForm,
    OcdsUploadForm,
    RatingForm,
    RemedyForm,
    VerifyForm,
)
from ..contract_models import Evidence, KpiReturn, LineStatus, ReturnStatus
from ..models import Contract

# Who may change the register and KPIs; who verifies returns and rates performance.
CONTRACT_STAFF = (Role.COUNCIL_ADMIN, Role.PROCUREMENT_OFFICER, Role.CONTRACT_MANAGER)
MANAGERS = (Role.CONTRACT_MANAGER, Role.COUNCIL_ADMIN)
PAGE_SIZE = 25


def form_errors_from(form, exc: ValidationError):
    """Show a service's ValidationError on the form: by the field it names, else at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _contracts(request, council):
    return Contract.objects.visible_to(request.user).filter(council=council)


def _contract(request, council, pk, queryset=None):
    queryset = queryset if queryset is not None else _contracts(request, council)
    return get_object_or_404(queryset.select_related("council", "supplier", "contract_manager"), pk=pk)


@council_view()
def contract_list(request, council):
    """The contract register: filter by status and manager; each row's £ and RAG from one query."""
    filters = ContractFilterForm(request.GET or None, council=council)
    queryset = filters.apply(_contracts(request, council).for_register()).order_by("end_date", "reference")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    tolerances = monitoring.tolerances_for(council)
    for contract in page.object_list:
        contract.shown = monitoring.contract_progress(contract, today=today, tolerances=tolerances)
        contract.kpis_short = contract.kpis_short_by(contract.kpi_count)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurement/contract_list.html",
        {
            "council": council,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_council_role(council, *CONTRACT_STAFF),
        },
    )


@council_view()
def contract_dashboard(request, council):
    """Contracts needing attention (JOURNEYS: the contract manager's home), in a fixed number of queries."""
    result = monitoring.attention(
        _contracts(request, council), today=timezone.localdate(), tolerances=monitoring.tolerances_for(council)
    )
    return render(request, "procurement/contract_dashboard.html", {"council": council, "attention": result})


@council_view()
def contract_detail(request, council, pk):
    contract = _contract(request, council, pk, _contracts(request, council).for_dashboard())
    today = timezone.localdate()
    tolerances = monitoring.tolerances_for(council)
    returns = list(contract.returns.select_related("submitted_by"))
    is_manager = request.user.has_council_role(council, *MANAGERS)
    return render(
        request,
        "procurement/contract_detail.html",
        {
            "council": council,
            "contract": contract,
            "shown": monitoring.contract_progress(contract, today=today, tolerances=tolerances),
            "kpi_rows": monitoring.kpi_rows(contract, today=today, tolerances=tolerances),
            "periods": monitoring.period_rows(contract, returns, today=today),
            "kpis_short": contract.kpis_short_by(contract.kpi_count),
            "rating_due": monitoring.rating_due(contract, today=today),
            "ratings": contract.ratings.select_related("recorded_by"),
            "remedies": contract.remedies.select_related("recorded_by"),
            "can_edit": request.user.has_council_role(council, *CONTRACT_STAFF),
            "is_manager": is_manager,
            "back": reverse("contract_list", kwargs={"council": council.slug}),
        },
    )


def _form_page(request, council, form, title, back, caption=None):
    return render(
        request,
        "socialvalue/form_page.html",
        {"council": council, "form": form, "title": title, "back": back, "caption": caption},
    )


@council_view(*CONTRACT_STAFF)
def contract_create(request, council):
    """Enter a contract that predates the system."""
    form = ContractForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        contract = form.save()
        messages.success(request, "Contract added. Now add its KPIs.")
        return redirect(contract)
    return _form_page(
        request, council, form, "Enter an existing contract", reverse("contract_list", kwargs={"council": council.slug})
    )


@council_view(*CONTRACT_STAFF)
def contract_edit(request, council, pk):
    contract = _contract(request, council, pk)
    form = ContractForm(request.POST or None, instance=contract, council=council)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Contract saved.")
        return redirect(contract)
    return _form_page(request, council, form, "Change contract details", contract.get_absolute_url(), str(contract))


@council_view(*CONTRACT_STAFF)
def contract_import(request, council):
    """Import awarded contracts from OCDS release packages (Contracts Finder); report every release."""
    form = OcdsUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for number, upload in enumerate(form.cleaned_data["files"]):
                # Keep the uploaded name for the report, in a folder of our own (never a path the browser sent).
                path = Path(folder) / f"{number:04d}-{Path(upload.name).name}"
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                paths.append(path)
            report = ocds_import.read_files(paths)
        outcome = services.contracts_import_ocds(council=council, report=report)
        messages.success(request, outcome.summary())
    return render(
        request,
        "procurement/contract_import.html",
        {
            "council": council,
            "form": form,
            "outcome": outcome,
            "back": reverse("contract_list", kwargs={"council": council.slug}),
        },
    )


@council_view(*CONTRACT_STAFF)
def kpi_add(request, council, pk):
    contract = _contract(request, council, pk)
    form = KpiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.kpi_add(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "KPI added.")
            return redirect(contract)
    return _form_page(request, council, form, "Add a KPI", contract.get_absolute_url(), str(contract))


@council_view(*MANAGERS)
def return_verify(request, council, pk, return_pk):
    """Accept or reject each line of a return, with a reason to reject (JOURNEYS: radios + reveal)."""
    contract = _contract(request, council, pk)
    kpi_return = get_object_or_404(
        KpiReturn.objects.visible_to(request.user).filter(contract=contract).select_related("submitted_by"),
        pk=return_pk,
    )
    lines = list(kpi_return.lines.select_related("kpi", "verified_by").prefetch_related("evidence"))
    pending = [line for line in lines if line.status == LineStatus.PENDING]
    can_verify = kpi_return.status == ReturnStatus.SUBMITTED and bool(pending)
    form = VerifyForm(request.POST or None, lines=pending if can_verify else [])
    if request.method == "POST" and can_verify and form.is_valid():
        try:
            with transaction.atomic():
                services.return_verify(kpi_return=kpi_return, by=request.user, decisions=form.decisions())
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            kpi_return.refresh_from_db()
            if kpi_return.status == ReturnStatus.VERIFIED:
                messages.success(request, "Return verified: every line is accepted.")
            else:
                messages.success(request, "Decisions saved. The supplier has been asked to correct the rejected lines.")
            return redirect(contract)
    return render(
        request,
        "procurement/return_verify.html",
        {
            "council": council,
            "contract": contract,
            "kpi_return": kpi_return,
            "lines": lines,
            "whole_return_evidence": kpi_return.evidence.filter(line__isnull=True),
            "form": form,
            "can_verify": can_verify,
            "back": contract.get_absolute_url(),
        },
    )


@council_view(*MANAGERS)
def rating_add(request, council, pk):
    """Record the Procurement Act performance rating, with its reason."""
    contract = _contract(request, council, pk)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rating = form.save(commit=False)
        rating.contract = contract
        rating.recorded_by = request.user
        rating.save()
        messages.success(request, f"Rating recorded: {rating.get_rating_display()}.")
        return redirect(contract)
    return _form_page(request, council, form, "Record a performance rating", contract.get_absolute_url(), str(contract))


@council_view(*MANAGERS)
def remedy_add(request, council, pk):
    """Record a remedial action or a penalty for non-delivery (Warwickshire policy 2.6)."""
    contract = _contract(request, council, pk)
    form = RemedyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        remedy = form.save(commit=False)
        remedy.contract = contract
        remedy.recorded_by = request.user
        remedy.save()
        messages.success(request, f"{remedy.get_kind_display()} recorded.")
        return redirect(contract)
    return _form_page(
        request, council, form, "Record a remedial action or penalty", contract.get_absolute_url(), str(contract)
    )


def evidence_response(item: Evidence):
    """The file as an attachment, with the type read from its content when it was uploaded."""
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


@council_view()
def evidence_download(request, council, pk, evidence_pk):
    contract = _contract(request, council, pk)
    item = get_object_or_404(
        Evidence.objects.filter(
            kpi_return__in=KpiReturn.objects.visible_to(request.user), kpi_return__contract=contract
        ),
        pk=evidence_pk,
    )
    return evidence_response(item)
