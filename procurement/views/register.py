"""Procurement pages for council officers: the register, setting up, approval and opening tenders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from socialvalue.access import council_view
from socialvalue.models import Role

from .. import services
from ..forms import (
    ApprovalForm,
    InviteSuppliersForm,
    ProcurementDetailsForm,
    ProcurementFilterForm,
    SocialValuePlanForm,
)
from ..models import Procurement, Stage

OFFICERS = (Role.PROCUREMENT_OFFICER, Role.COUNCIL_ADMIN)
PAGE_SIZE = 25


def _procurement(request, council, pk):
    return get_object_or_404(
        Procurement.objects.visible_to(request.user).filter(council=council).select_related("council", "lead_officer"),
        pk=pk,
    )


@council_view()
def procurement_list(request, council):
    """The register: filter by stage, category, value band and officer; deadlines soonest first."""
    filters = ProcurementFilterForm(request.GET or None, council=council)
    queryset = filters.apply(Procurement.objects.visible_to(request.user).filter(council=council).for_register())
    page = Paginator(queryset.order_by("tender_deadline", "reference"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurement/procurement_list.html",
        {
            "council": council,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_create": request.user.has_council_role(council, *OFFICERS),
        },
    )


@council_view(*OFFICERS)
def procurement_create(request, council):
    form = ProcurementDetailsForm(request.POST or None, council=council, initial={"lead_officer": request.user.pk})
    if request.method == "POST" and form.is_valid():
        procurement = form.save(commit=False)
        procurement.council = council
        procurement.save()
        messages.success(request, "Procurement created. Now set its social value plan.")
        return redirect("procurement_plan", council=council.slug, pk=procurement.pk)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Start a procurement",
            "back": reverse("procurement_list", kwargs={"council": council.slug}),
        },
    )


@council_view()
def procurement_detail(request, council, pk):
    procurement = _procurement(request, council, pk)
    threshold, above_threshold = procurement.procurement_act_threshold()
    can_edit = request.user.has_council_role(council, *OFFICERS)
    return render(
        request,
        "procurement/procurement_detail.html",
        {
            "council": council,
            "procurement": procurement,
            "can_edit": can_edit,
            "editable": can_edit and procurement.stage in (Stage.PLANNING, Stage.MARKET_ENGAGEMENT),
            "threshold": threshold,
            "above_threshold": above_threshold,
            "outcomes": procurement.outcomes.select_related("theme"),
            "invited": procurement.invited_suppliers.all(),
            "problems": services.plan_problems(procurement),
            "tenders_submitted": procurement.tenders.filter(submitted_at__isnull=False).count(),
        },
    )


def _editable(request, council, pk):
    procurement = _procurement(request, council, pk)
    if procurement.stage not in (Stage.PLANNING, Stage.MARKET_ENGAGEMENT):
        messages.error(request, "This procurement has been published; its plan can no longer change.")
        return procurement, redirect(procurement)
    return procurement, None


@council_view(*OFFICERS)
def procurement_edit(request, council, pk):
    procurement, stop = _editable(request, council, pk)
    if stop:
        return stop
    form = ProcurementDetailsForm(request.POST or None, instance=procurement, council=council)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Details saved.")
        return redirect(procurement)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Procurement details",
            "caption": str(procurement),
            "back": procurement.get_absolute_url(),
        },
    )


@council_view(*OFFICERS)
def procurement_plan(request, council, pk):
    procurement, stop = _editable(request, council, pk)
    if stop:
        return stop
    form = SocialValuePlanForm(request.POST or None, instance=procurement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Social value plan saved.")
        return redirect(procurement)
    return render(
        request,
        "procurement/plan_form.html",
        {
            "council": council,
            "procurement": procurement,
            "form": form,
            "back": procurement.get_absolute_url(),
        },
    )


@council_view(*OFFICERS)
def procurement_approval(request, council, pk):
    procurement, stop = _editable(request, council, pk)
    if stop:
        return stop
    form = ApprovalForm(request.POST or None, initial={"approval_reference": procurement.approval_reference})
    if request.method == "POST" and form.is_valid():
        try:
            services.procurement_record_approval(
                procurement=procurement, by=request.user, reference=form.cleaned_data["approval_reference"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{procurement.approval_route_label} approval recorded.")
            return redirect(procurement)
    return render(
        request,
        "procurement/approval_form.html",
        {
            "council": council,
            "procurement": procurement,
            "form": form,
            "back": procurement.get_absolute_url(),
        },
    )


@council_view(*OFFICERS)
def procurement_invite(request, council, pk):
    procurement, stop = _editable(request, council, pk)
    if stop:
        return stop
    form = InviteSuppliersForm(request.POST or None, instance=procurement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Suppliers saved.")
        return redirect(procurement)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Invite suppliers",
            "caption": str(procurement),
            "back": procurement.get_absolute_url(),
        },
    )


STAGE_ACTIONS = {
    "market_engagement": (services.procurement_start_market_engagement, "Market engagement started."),
    "publish": (services.procurement_publish, "Published: suppliers can now tender."),
    "cancel": (services.procurement_cancel, "Procurement cancelled."),
    "open": (services.tenders_open, "Tenders opened. The opening is recorded."),
}


@require_POST
@council_view(*OFFICERS)
def procurement_action(request, council, pk, action):
    procurement = _procurement(request, council, pk)
    service, done = STAGE_ACTIONS[action]
    try:
        service(procurement=procurement, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(procurement)
