"""Django admin for support staff. Councils and suppliers do their work in the application."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Campaign,
    CampaignResponse,
    DiversityAccess,
    DiversityAccessLog,
    DiversitySettings,
    Supplier,
    SupplierCouncil,
    SupplierMember,
)
from .services import diversity_answers_erase


class SupplierMemberInline(admin.TabularInline):
    model = SupplierMember
    extra = 0
    raw_id_fields = ["user"]


class SupplierCouncilInline(admin.TabularInline):
    model = SupplierCouncil
    extra = 0


@admin.action(description="Erase the selected suppliers' individual diversity answers")
def erase_diversity_answers(modeladmin, request, queryset):
    erased = sum(diversity_answers_erase(supplier=supplier) for supplier in queryset)
    modeladmin.message_user(
        request,
        f"Erased {erased} set{'s' if erased != 1 else ''} of answers; suppressed totals kept.",
        messages.SUCCESS,
    )


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation_type", "size_class", "postcode", "is_vcse", "is_social_enterprise"]
    list_filter = ["organisation_type", "size_class", "is_vcse", "is_social_enterprise"]
    search_fields = ["name", "companies_house_number", "charity_number", "postcode"]
    readonly_fields = ["size_class", "postcode_area", "created_at"]
    inlines = [SupplierMemberInline, SupplierCouncilInline]
    actions = [erase_diversity_answers]

    def save_model(self, request, obj, form, change):
        obj.classify()
        super().save_model(request, obj, form, change)


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "council", "year", "opens_on", "closes_on", "target_group"]
    list_filter = ["council"]
    readonly_fields = ["year", "question_set_version", "questions", "privacy_notice", "created_by", "targeted_at"]


@admin.register(CampaignResponse)
class CampaignResponseAdmin(admin.ModelAdmin):
    """Only who answered and when: individual answers are read in the application, where views are logged."""

    list_display = ["supplier", "campaign", "submitted_at", "updated_at"]
    list_filter = ["campaign__council"]
    fields = ["supplier", "campaign", "question_set_version", "submitted_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DiversityAccess)
class DiversityAccessAdmin(SimpleHistoryAdmin):
    list_display = ["user", "council", "granted_by", "granted_at"]
    list_filter = ["council"]
    raw_id_fields = ["user", "granted_by"]


@admin.register(DiversityAccessLog)
class DiversityAccessLogAdmin(admin.ModelAdmin):
    list_display = ["viewed_at", "user", "council", "supplier", "campaign"]
    list_filter = ["council"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(DiversitySettings, SimpleHistoryAdmin)
