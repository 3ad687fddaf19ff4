from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from . import views
from .forms import QueuedPasswordResetForm, SignInForm


class PolicyKindConverter:
    regex = "theme|outcome|indicator"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PolicyKindConverter, "policykind")

council_patterns = [
    path("", views.council_dashboard, name="council_dashboard"),
    path("policy/", views.policy_detail, name="policy_detail"),
    path("policy/edit/", views.policy_edit, name="policy_edit"),
    path("policy/history/", views.policy_history, name="policy_history"),
    path("policy/<policykind:kind>/add/<int:parent>/", views.policy_item_add, name="policy_item_add"),
    path("policy/<policykind:kind>/<int:pk>/edit/", views.policy_item_edit, name="policy_item_edit"),
    path("policy/<policykind:kind>/<int:pk>/delete/", views.policy_item_delete, name="policy_item_delete"),
    path("policy/<policykind:kind>/<int:pk>/move/", views.policy_item_move, name="policy_item_move"),
    path("settings/", views.council_settings, name="council_settings"),
    path("settings/edit/", views.council_settings_edit, name="council_settings_edit"),
    path("procurements/", include("procurement.urls")),
    path("reports/", include("reporting.urls")),
    path("contracts/", include("procurement.contract_urls")),
    path("", include("toms.urls")),
    path("", include("suppliers.council_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("councils/<slug:council>/", include(council_patterns)),
    path("supplier/opportunities/", include("procurement.supplier_urls")),
    path("supplier/contracts/", include("procurement.supplier_contract_urls")),
    path("supplier/", include("suppliers.urls")),
    path("api/", include("api.urls")),
    path("ocds/", include("api.ocds_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "socialvalue.errors.permission_denied"
handler404 = "socialvalue.errors.page_not_found"
handler500 = "socialvalue.errors.server_error"
