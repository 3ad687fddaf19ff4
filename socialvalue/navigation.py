"""What the header shows: the council in view and the navigation for the user's roles."""

from django.urls import reverse

from .models import Council, Role


def current_council(request):
    """The council the page is about (set by the view), else the user's first council."""
    council = getattr(request, "council", None)
    if council is not None or not request.user.is_authenticated:
        return council
    if not hasattr(request, "_default_council"):
        request._default_council = Council.objects.visible_to(request.user).first()
    return request._default_council


def navigation_for(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"council": None, "items": []}
    council = current_council(request)
    path = request.path
    items = []
    if council is not None:
        base = reverse("council_dashboard", kwargs={"council": council.slug})
        policy = reverse("policy_detail", kwargs={"council": council.slug})
        settings_url = reverse("council_settings", kwargs={"council": council.slug})
        procurements = reverse("procurement_list", kwargs={"council": council.slug})
        measures = reverse("measure_list", kwargs={"council": council.slug})
        calculators = reverse("calculator_list", kwargs={"council": council.slug})
        contracts = reverse("contract_list", kwargs={"council": council.slug})
        attention = reverse("contract_dashboard", kwargs={"council": council.slug})
        if user.has_council_role(council, Role.CONTRACT_MANAGER):
            items.append({"text": "Needing attention", "href": attention, "current": path == attention})
        items += [
            {"text": "Dashboard", "href": base, "current": path == base},
            {"text": "Procurements", "href": procurements, "active": path.startswith(procurements)},
            {
                "text": "Contracts",
                "href": contracts,
                "current": path == contracts,
                "active": path.startswith(contracts) and path != attention,
            },
            {"text": "Policy", "href": policy, "active": path.startswith(policy)},
            {"text": "Measures", "href": measures, "current": path == measures, "active": path.startswith(measures)},
            {
                "text": "Calculators",
                "href": calculators,
                "current": path == calculators,
                "active": path.startswith(calculators),
            },
            {"text": "Council settings", "href": settings_url, "active": path.startswith(settings_url)},
        ]
        if user.has_council_role(council, Role.COUNCIL_ADMIN):
            history = reverse("policy_history", kwargs={"council": council.slug})
            items.append({"text": "Change history", "href": history, "current": path == history})
    if user.supplier_memberships.exists():
        supplier_home = reverse("supplier_home")
        opportunities = reverse("opportunity_list")
        items.append({"text": "Your organisation", "href": supplier_home, "current": path == supplier_home})
        items.append({"text": "Opportunities", "href": opportunities, "active": path.startswith(opportunities)})
        supplier_contracts = reverse("supplier_contract_list")
        items.append(
            {"text": "Your contracts", "href": supplier_contracts, "active": path.startswith(supplier_contracts)}
        )
    return {"council": council, "items": items}
