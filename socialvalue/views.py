"""Pages for council members: dashboard, policy (read and edit), settings, change history."""

from dataclasses import dataclass
from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .access import council_view
from .formatting import money, month_name, percent
from .forms import CouncilSettingsForm, IndicatorForm, OutcomeForm, PolicyForm, ThemeForm
from .models import Council, Indicator, Outcome, Policy, Role, Theme


@never_cache
@transaction.non_atomic_requests  # the request transaction would fail before we could answer 503
def healthz(request):
    """200 when the database answers, 503 otherwise; for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means we are not healthy
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
def home(request):
    """Send each user to where their work is."""
    councils = list(Council.objects.visible_to(request.user))
    has_supplier = request.user.supplier_memberships.exists()
    if len(councils) == 1 and not has_supplier:
        # JOURNEYS.md: a contract manager starts at "Contracts needing attention"; a cabinet member
        # at the annual reports; everyone else at the council's dashboard.
        roles = request.user.council_roles.get(councils[0].pk, set())
        if roles == {Role.CONTRACT_MANAGER}:
            return redirect("contract_dashboard", council=councils[0].slug)
        if roles == {Role.CABINET_MEMBER}:
            return redirect("report_list", council=councils[0].slug)
        return redirect(councils[0])
    if not councils and has_supplier:
        return redirect("supplier_home")
    return render(request, "socialvalue/home.html", {"councils": councils, "has_supplier": has_supplier})


@council_view()
def council_dashboard(request, council):
    policy = council.current_policy
    counts = None
    if policy is not None:
        counts = Theme.objects.filter(policy=policy).aggregate(
            theme_count=Count("pk", distinct=True),
            outcome_count=Count("outcomes", distinct=True),
            indicator_count=Count("outcomes__indicators", distinct=True),
        )
    roles = sorted(Role(r).label for r in request.user.council_roles.get(council.pk, ()))
    return render(
        request,
        "socialvalue/dashboard.html",
        {
            "council": council,
            "policy": policy,
            "counts": counts,
            "roles": roles,
            "is_admin": request.user.has_council_role(council, Role.COUNCIL_ADMIN),
        },
    )


def _policy_or_404(council, user, *, for_edit=False):
    policies = Policy.objects.editable_by(user) if for_edit else Policy.objects.visible_to(user)
    policy = policies.filter(council=council).latest_first().first()
    if policy is None:
        raise Http404("This council has no policy yet.")
    return policy


@council_view()
def policy_detail(request, council):
    """The whole framework in four queries, however large: policy, themes, outcomes, indicators."""
    policy = (
        Policy.objects.visible_to(request.user)
        .filter(council=council)
        .latest_first()
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "pk")),
            Prefetch("themes__outcomes", queryset=Outcome.objects.order_by("position", "pk")),
            Prefetch("themes__outcomes__indicators", queryset=Indicator.objects.order_by("position", "pk")),
        )
        .first()
    )
    return render(
        request,
        "socialvalue/policy_detail.html",
        {"council": council, "policy": policy, "can_edit": request.user.has_council_role(council, Role.COUNCIL_ADMIN)},
    )


@council_view(Role.COUNCIL_ADMIN)
def policy_edit(request, council):
    policy = _policy_or_404(council, request.user, for_edit=True)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Policy details saved.")
        return redirect("policy_detail", council=council.slug)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Change policy details",
            "back": reverse("policy_detail", kwargs={"council": council.slug}),
        },
    )


# ---------------------------------------------------------------- themes, outcomes, indicators


@dataclass(frozen=True)
class ItemKind:
    """How to handle one level of the policy framework in the shared views below."""

    model: type
    form: type
    parent_model: type
    parent_field: str
    label: str


KINDS = {
    "theme": ItemKind(Theme, ThemeForm, Policy, "policy", "theme"),
    "outcome": ItemKind(Outcome, OutcomeForm, Theme, "theme", "outcome"),
    "indicator": ItemKind(Indicator, IndicatorForm, Outcome, "outcome", "indicator"),
}


def _kind(kind):
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("No such part of a policy.") from None


def _editable_item(council, user, kind, pk):
    """An item of this council the user may edit (council admins only), else 404."""
    spec = _kind(kind)
    items = spec.model.objects.editable_by(user).filter(**{_council_lookup(spec.model): council})
    return spec, get_object_or_404(items, pk=pk)


def _council_lookup(model):
    return model.objects.none().council_path


def _back_to_policy(council, item=None):
    url = reverse("policy_detail", kwargs={"council": council.slug})
    return f"{url}#{type(item).__name__.lower()}-{item.pk}" if item is not None else url


@council_view(Role.COUNCIL_ADMIN)
def policy_item_add(request, council, kind, parent):
    spec = _kind(kind)
    parents = spec.parent_model.objects.editable_by(request.user).filter(
        **{_council_lookup(spec.parent_model): council}
    )
    parent_obj = get_object_or_404(parents, pk=parent)
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        setattr(item, spec.parent_field, parent_obj)
        item.save()
        messages.success(request, f"{spec.label.capitalize()} added.")
        return redirect(_back_to_policy(council, item))
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": f"Add {'an' if spec.label[0] in 'aeiou' else 'a'} {spec.label}",
            "caption": str(parent_obj) if spec.parent_model is not Policy else None,
            "back": _back_to_policy(council),
        },
    )


@council_view(Role.COUNCIL_ADMIN)
def policy_item_edit(request, council, kind, pk):
    spec, item = _editable_item(council, request.user, kind, pk)
    form = spec.form(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{spec.label.capitalize()} saved.")
        return redirect(_back_to_policy(council, item))
    return render(
        request,
        "socialvalue/form_page.html",
        {"council": council, "form": form, "title": f"Change {spec.label}", "back": _back_to_policy(council, item)},
    )


@council_view(Role.COUNCIL_ADMIN)
def policy_item_delete(request, council, kind, pk):
    spec, item = _editable_item(council, request.user, kind, pk)
    if request.method == "POST":
        item.delete()
        messages.success(request, f"{spec.label.capitalize()} deleted.")
        return redirect(_back_to_policy(council))
    contains = []
    if isinstance(item, Theme):
        contains = [
            ("outcome", Outcome.objects.filter(theme=item).count()),
            ("indicator", Indicator.objects.filter(outcome__theme=item).count()),
        ]
    elif isinstance(item, Outcome):
        contains = [("indicator", item.indicators.count())]
    return render(
        request,
        "socialvalue/policy_item_delete.html",
        {
            "council": council,
            "item": item,
            "label": spec.label,
            "contains": [c for c in contains if c[1]],
            "back": _back_to_policy(council, item),
        },
    )


@require_POST
@council_view(Role.COUNCIL_ADMIN)
def policy_item_move(request, council, kind, pk):
    spec, item = _editable_item(council, request.user, kind, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, "Choose whether to move it up or down.")
    elif item.move(direction):
        messages.success(request, f"{spec.label.capitalize()} moved {direction}.")
    return redirect(_back_to_policy(council, item))


# ---------------------------------------------------------------- settings and history


@council_view()
def council_settings(request, council):
    shown = {
        "min_social_value_weighting": percent(council.min_social_value_weighting),
        "social_value_mandatory_above": money(council.social_value_mandatory_above),
        "leadership_approval_above": money(council.leadership_approval_above),
        "cabinet_approval_above": money(council.cabinet_approval_above),
        "sme_spend_target": percent(council.sme_spend_target),
        "financial_year_start_month": month_name(council.financial_year_start_month),
        "local_postcode_areas": council.local_postcode_areas or "None set",
        "rag_ahead_from": percent(council.rag_ahead_from),
        "rag_on_track_from": percent(council.rag_on_track_from),
        "rag_at_risk_from": percent(council.rag_at_risk_from),
    }
    rows = [
        (Council._meta.get_field(name).verbose_name, value, council.setting_sources.get(name))
        for name, value in shown.items()
    ]
    return render(
        request,
        "socialvalue/council_settings.html",
        {"council": council, "rows": rows, "can_edit": request.user.has_council_role(council, Role.COUNCIL_ADMIN)},
    )


@council_view(Role.COUNCIL_ADMIN)
def council_settings_edit(request, council):
    # Edit a fresh copy so a failed form never changes the council shown in the header.
    instance = Council.objects.get(pk=council.pk)
    form = CouncilSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Council settings saved.")
        return redirect("council_settings", council=council.slug)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Change council settings",
            "back": reverse("council_settings", kwargs={"council": council.slug}),
        },
    )


HISTORY_LIMIT = 200


@council_view(Role.COUNCIL_ADMIN)
def policy_history(request, council):
    """Every change to this council's policy data and settings, newest first (django-simple-history)."""
    # Walk the history tables, not the live ones, so changes to deleted items still show.
    policy_ids = Policy.history.filter(council_id=council.pk).values("id")
    theme_ids = Theme.history.filter(policy_id__in=policy_ids).values("id")
    outcome_ids = Outcome.history.filter(theme_id__in=theme_ids).values("id")
    sources = [
        ("Council settings", Council.history.filter(id=council.pk)),
        ("Policy", Policy.history.filter(council_id=council.pk)),
        ("Theme", Theme.history.filter(policy_id__in=policy_ids)),
        ("Outcome", Outcome.history.filter(theme_id__in=theme_ids)),
        ("Indicator", Indicator.history.filter(outcome_id__in=outcome_ids)),
    ]
    records = chain.from_iterable(
        ((label, r) for r in qs.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT])
        for label, qs in sources
    )
    records = sorted(records, key=lambda pair: pair[1].history_date, reverse=True)[:HISTORY_LIMIT]
    return render(request, "socialvalue/policy_history.html", {"council": council, "records": records})
