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
        roles = user.council_roles.get(council.pk, set()) if not user.is_superuser else set(Role.values)
        staff = bool(roles - {Role.CABINET_MEMBER})
        buyers = bool(roles & {Role.COUNCIL_ADMIN, Role.PROCUREMENT_OFFICER})

        def url(name):
            return reverse(name, kwargs={"council": council.slug})

        # (label, url name, shown to these users); pages under each url mark it active.
        entries = [
            ("Needing attention", "contract_dashboard", Role.CONTRACT_MANAGER in roles),
            ("Dashboard", "council_dashboard", True),
            ("Procurements", "procurement_list", staff),
            ("Contracts", "contract_list", staff),
            ("Annual reports", "report_list", True),
            ("Policy", "policy_detail", True),
            ("Measures", "measure_list", staff),
            ("Calculators", "calculator_list", staff),
            ("Suppliers", "supplier_list", buyers),
            ("Supplier diversity", "campaign_list", staff),
            ("Council settings", "council_settings", True),
            ("Change history", "policy_history", Role.COUNCIL_ADMIN in roles),
        ]
        shown = [(text, url(name)) for text, name, show in entries if show]
        # The page belongs to the item with the longest address it starts with (the dashboard is
        # under contracts/, the council dashboard is everyone's prefix).
        owner = max((href for _, href in shown if path.startswith(href)), key=len, default=None)
        items += [
            {"text": text, "href": href, "current": path == href, "active": href == owner} for text, href in shown
        ]
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
