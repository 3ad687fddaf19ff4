from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Calculator, CalculatorMeasure, ImportJob, Measure, ProxyValue


class ProxyValueInline(admin.TabularInline):
    model = ProxyValue
    extra = 0


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "unit", "council", "kind")
    list_filter = ("council", "kind")
    search_fields = ("code", "name")
    inlines = [ProxyValueInline]


@admin.register(ProxyValue)
class ProxyValueAdmin(SimpleHistoryAdmin):
    list_display = ("measure", "year", "value")
    list_filter = ("year",)


class CalculatorMeasureInline(admin.TabularInline):
    model = CalculatorMeasure
    extra = 0


@admin.register(Calculator)
class CalculatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "category", "council")
    inlines = [CalculatorMeasureInline]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("filename", "council", "status", "created_at")
    exclude = ("content",)
