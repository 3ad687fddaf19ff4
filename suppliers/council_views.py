"""Council pages: suppliers dealing with the council, invitations, and diversity questionnaires."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from socialvalue.access import council_view
from socialvalue.formatting import financial_year
from socialvalue.models import Role, User

from . import diversity, questions, services
from .access import diversity_view
from .forms import (
    CampaignForm,
    CouncilInvitationForm,
    DiversityAccessForm,
    DiversitySettingsForm,
    SupplierFilterForm,
)
from .models import (
    Campaign,
    CampaignEmail,
    CampaignRecipient,
    CampaignResponse,
    DiversityAccess,
    DiversityAccessLog,
    DiversitySettings,
    Supplier,
    SupplierCouncil,
)
from .views import add_errors

PAGE_SIZE = 50
MANAGERS = (Role.COUNCIL_ADMIN, Role.PROCUREMENT_OFFICER)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --------------------------------------------------------------------------- suppliers


@council_view()
def supplier_list(request, council):
    """Suppliers dealing with the council, in a fixed number of queries however many there are."""
    suppliers = (
        Supplier.objects.visible_to(request.user)
        .for_council(council)
        .for_list()
        .prefetch_related(
            Prefetch("council_links", queryset=SupplierCouncil.objects.filter(council=council), to_attr="links_here")
        )
    )
    filters = SupplierFilterForm(request.GET or None)
    suppliers = filters.apply(suppliers, council)
    page = _page(request, suppliers)
    areas = council.postcode_areas
    rows = [
        {
            "supplier": s,
            "is_local": s.postcode_area in areas,
            "relationships": sorted({link.get_relationship_display() for link in s.links_here}),
        }
        for s in page
    ]
    return render(
        request,
        "suppliers/council_supplier_list.html",
        {
            "council": council,
            "page": page,
            "rows": rows,
            "filters": filters,
            "can_invite": request.user.has_council_role(council, *MANAGERS),
        },
    )


@council_view()
def supplier_detail(request, council, pk):
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user).for_council(council), pk=pk)
    links = SupplierCouncil.objects.visible_to(request.user).filter(supplier=supplier, council=council)
    sent = (
        CampaignRecipient.objects.visible_to(request.user)
        .filter(supplier=supplier, campaign__council=council)
        .with_status()
        .select_related("campaign")
    )
    return render(
        request,
        "suppliers/council_supplier_detail.html",
        {
            "council": council,
            "supplier": supplier,
            "size": supplier.size,
            "is_local": supplier.is_local_to(council),
            "links": links,
            "sent": sent,
            "back": reverse("supplier_list", kwargs={"council": council.slug}),
        },
    )


@council_view(*MANAGERS)
def supplier_invite(request, council):
    form = CouncilInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.supplier_invite_from_council(council=council, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("supplier_list", council=council.slug)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Invite a supplier to register",
            "back": reverse("supplier_list", kwargs={"council": council.slug}),
        },
    )


# --------------------------------------------------------------------------- campaigns


@council_view()
def campaign_list(request, council):
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .filter(council=council)
        .latest_first()
        .annotate(recipient_count=Count("recipients", distinct=True), response_count=Count("responses", distinct=True))
    )
    return render(
        request,
        "suppliers/campaign_list.html",
        {
            "council": council,
            "campaigns": campaigns,
            "today": timezone.localdate(),
            "can_manage": request.user.has_council_role(council, *MANAGERS),
            "is_admin": request.user.has_council_role(council, Role.COUNCIL_ADMIN),
            "has_access": DiversityAccess.held_by(request.user, council),
        },
    )


@council_view(*MANAGERS)
def campaign_create(request, council):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(council=council, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{campaign.title} is set up.")
            return redirect("campaign_detail", council=council.slug, pk=campaign.pk)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Start a diversity questionnaire",
            "back": reverse("campaign_list", kwargs={"council": council.slug}),
        },
    )


def _campaign(request, council, pk):
    return get_object_or_404(Campaign.objects.visible_to(request.user).filter(council=council), pk=pk)


@council_view()
def campaign_detail(request, council, pk):
    """Who the questionnaire went to and who has answered (not what they answered)."""
    campaign = _campaign(request, council, pk)
    recipients = (
        CampaignRecipient.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .with_status()
        .prefetch_related(
            Prefetch("emails", queryset=CampaignEmail.objects.visible_to(request.user).filter(sent_at__isnull=False))
        )
        .order_by("supplier__name", "pk")
    )
    totals = CampaignRecipient.objects.filter(campaign=campaign).aggregate(
        recipients=Count("pk"),
    )
    answered = CampaignResponse.objects.filter(campaign=campaign).count()
    page = _page(request, recipients)
    return render(
        request,
        "suppliers/campaign_detail.html",
        {
            "council": council,
            "campaign": campaign,
            "status": campaign.status(),
            "page": page,
            "recipient_count": totals["recipients"],
            "answered": answered,
            "rate": diversity.rate(answered, totals["recipients"]),
            "has_access": DiversityAccess.held_by(request.user, council),
            "back": reverse("campaign_list", kwargs={"council": council.slug}),
        },
    )


def _previous(campaign, user):
    return (
        Campaign.objects.visible_to(user)
        .filter(council=campaign.council, year__lt=campaign.year)
        .latest_first()
        .first()
    )


def _side_by_side(baseline, previous):
    """Each section's rows with last year's figure beside this year's, matched by question key."""
    earlier = {}
    if previous:
        for section in previous["sections"]:
            for row in section["rows"]:
                earlier[row["key"]] = row
    sections = []
    for section in baseline["sections"]:
        rows = [{**row, "previous": earlier.get(row["key"])} for row in section["rows"]]
        sections.append({**section, "rows": rows})
    return sections


@council_view()
def campaign_dashboard(request, council, pk):
    """The baseline (Coventry note 3.2.8): suppressed aggregates, with last year's beside them."""
    campaign = _campaign(request, council, pk)
    baseline = campaign.baseline()
    previous_campaign = _previous(campaign, request.user)
    previous = previous_campaign.baseline() if previous_campaign else None
    return render(
        request,
        "suppliers/campaign_dashboard.html",
        {
            "council": council,
            "campaign": campaign,
            "baseline": baseline,
            "sections": _side_by_side(baseline, previous) if baseline else None,
            "previous_campaign": previous_campaign if previous else None,
            "previous": previous,
            "suppressed_label": diversity.SUPPRESSED_LABEL,
            "threshold": diversity.THRESHOLD,
            "back": reverse("campaign_detail", kwargs={"council": council.slug, "pk": campaign.pk}),
        },
    )


@council_view()
def campaign_export(request, council, pk):
    """The baseline as CSV: suppressed aggregates only, never individual answers."""
    campaign = _campaign(request, council, pk)
    baseline = campaign.baseline()
    if baseline is None:
        messages.error(request, "There are no figures to download until the questionnaire closes.")
        return redirect("campaign_dashboard", council=council.slug, pk=campaign.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{council.slug}-diversity-baseline-{campaign.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)

    def shown(value):
        return diversity.SUPPRESSED_LABEL if value is None else value

    writer.writerow(["Council", council.name])
    writer.writerow(["Questionnaire", campaign.title, financial_year(campaign.year)])
    writer.writerow(["Counts below", diversity.THRESHOLD, "are hidden, as are counts that would reveal them"])
    writer.writerow([])
    writer.writerow(["Section", "Answer", "Count", "Percentage of responses"])
    writer.writerow(["Questionnaire", "Sent to", baseline["recipients"], ""])
    writer.writerow(["Questionnaire", "Responses", shown(baseline["responses"]), shown(baseline["response_rate"])])
    for section in baseline["sections"]:
        for row in section["rows"]:
            writer.writerow([section["title"], row["label"], shown(row["count"]), shown(row["percent"])])
    return response


# --------------------------------------------------------------------------- individual answers


@diversity_view
def campaign_responses(request, council, pk):
    campaign = _campaign(request, council, pk)
    responses = CampaignResponse.objects.visible_to(request.user).filter(campaign=campaign).for_list()
    page = _page(request, responses)
    return render(
        request,
        "suppliers/campaign_responses.html",
        {
            "council": council,
            "campaign": campaign,
            "page": page,
            "back": reverse("campaign_detail", kwargs={"council": council.slug, "pk": campaign.pk}),
        },
    )


@diversity_view
def campaign_response_detail(request, council, pk, response):
    """One supplier's individual answers. Every view is logged (special category data)."""
    campaign = _campaign(request, council, pk)
    answer = get_object_or_404(
        CampaignResponse.objects.visible_to(request.user).filter(campaign=campaign).select_related("supplier"),
        pk=response,
    )
    DiversityAccessLog.objects.create(
        user=request.user, council=council, campaign=campaign, supplier=answer.supplier, response=answer
    )
    return render(
        request,
        "suppliers/campaign_response_detail.html",
        {
            "council": council,
            "campaign": campaign,
            "response": answer,
            "rows": questions.answer_rows(campaign.questions, answer.answers),
            "back": reverse("campaign_responses", kwargs={"council": council.slug, "pk": campaign.pk}),
        },
    )


# --------------------------------------------------------------------------- settings and access


@council_view(Role.COUNCIL_ADMIN)
def diversity_settings(request, council):
    instance = DiversitySettings.objects.editable_by(request.user).filter(council=council).first()
    form = DiversitySettingsForm(request.POST or None, instance=instance or DiversitySettings(council=council))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Diversity questionnaire settings saved.")
        return redirect("campaign_list", council=council.slug)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Diversity questionnaire settings",
            "back": reverse("campaign_list", kwargs={"council": council.slug}),
        },
    )


@council_view(Role.COUNCIL_ADMIN)
def diversity_access(request, council):
    """Council admins name who may see individual diversity answers."""
    grants = (
        DiversityAccess.objects.visible_to(request.user)
        .filter(council=council)
        .select_related("user", "granted_by")
        .order_by("user__email")
    )
    members = (
        User.objects.filter(memberships__council=council)
        .exclude(diversity_access__council=council)
        .distinct()
        .order_by("full_name", "email")
    )
    form = DiversityAccessForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.diversity_access_grant(council=council, user=form.cleaned_data["user"], by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{access.user.get_full_name()} can now see individual answers.")
            return redirect("diversity_access", council=council.slug)
    return render(
        request,
        "suppliers/diversity_access.html",
        {
            "council": council,
            "grants": grants,
            "form": form,
            "back": reverse("campaign_list", kwargs={"council": council.slug}),
        },
    )


@require_POST
@council_view(Role.COUNCIL_ADMIN)
def diversity_access_revoke(request, council, pk):
    access = get_object_or_404(DiversityAccess.objects.visible_to(request.user).filter(council=council), pk=pk)
    services.diversity_access_revoke(access=access, by=request.user)
    messages.success(request, f"{access.user.get_full_name()} can no longer see individual answers.")
    return redirect("diversity_access", council=council.slug)


@council_view(Role.COUNCIL_ADMIN)
def diversity_access_log(request, council):
    entries = (
        DiversityAccessLog.objects.visible_to(request.user)
        .filter(council=council)
        .select_related("user", "supplier", "campaign")
        .order_by("-viewed_at", "-pk")
    )
    page = _page(request, entries)
    return render(
        request,
        "suppliers/diversity_access_log.html",
        {"council": council, "page": page, "back": reverse("diversity_access", kwargs={"council": council.slug})},
    )
