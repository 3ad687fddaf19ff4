"""Pages for the measure library, imports, calculators and the live calculator. Thin: each view
fetches through ``visible_to``, calls a form, a service or the calculation engine, and renders."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from socialvalue.access import council_view
from socialvalue.formatting import financial_year
from socialvalue.models import Role

from . import calculation, exports, imports, services
from .forms import CalculatorForm, CalculatorRunForm, MeasureForm, MeasureImportForm, ProxyValueForm
from .models import Calculator, ImportJob, Measure

PAGE_SIZE = 100
MAX_PROBLEMS_SHOWN = 100


def _is_admin(request, council):
    return request.user.has_council_role(council, Role.COUNCIL_ADMIN)


# --------------------------------------------------------------------------- measure library


@council_view()
def measure_list(request, council):
    """The library, a page at a time, in a fixed number of queries whatever its size."""
    measures = Measure.objects.visible_to(request.user).filter(council=council).for_library()
    page = Paginator(measures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "toms/measure_list.html",
        {"council": council, "page": page, "measures": page.object_list, "can_edit": _is_admin(request, council)},
    )


@council_view()
def measure_detail(request, council, pk):
    measures = Measure.objects.visible_to(request.user).filter(council=council).for_library()
    measure = get_object_or_404(measures.prefetch_related("indicators"), pk=pk)
    calculators = Calculator.objects.visible_to(request.user).filter(entries__measure=measure).distinct()
    return render(
        request,
        "toms/measure_detail.html",
        {
            "council": council,
            "measure": measure,
            "values": sorted(measure.proxy_values.all(), key=lambda pv: pv.year, reverse=True),
            "calculators": calculators,
            "can_edit": _is_admin(request, council),
            "back": reverse("measure_list", kwargs={"council": council.slug}),
        },
    )


def _editable_measure(request, council, pk):
    return get_object_or_404(Measure.objects.editable_by(request.user).filter(council=council), pk=pk)


@council_view(Role.COUNCIL_ADMIN)
def measure_edit(request, council, pk):
    measure = _editable_measure(request, council, pk)
    form = MeasureForm(request.POST if request.method == "POST" else None, instance=measure, council=council)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Measure {measure.code} saved.")
        return redirect(measure)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": f"Change measure {measure.code}",
            "back": measure.get_absolute_url(),
        },
    )


@council_view(Role.COUNCIL_ADMIN)
def proxy_value_edit(request, council, pk):
    """Add a year's proxy value, or change one (by entering a year already held)."""
    measure = _editable_measure(request, council, pk)
    initial = None
    if request.GET.get("year", "").isdigit():
        held = measure.proxy_values.filter(year=int(request.GET["year"])).first()
        if held:
            initial = {"year": held.year, "value": held.value, "source": held.source}
    form = ProxyValueForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pv, created = services.proxy_value_set(measure=measure, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verb = "added" if created else "changed"
            messages.success(request, f"{measure.code} proxy value for {financial_year(pv.year)} {verb}.")
            return redirect(measure)
    return render(
        request,
        "socialvalue/form_page.html",
        {
            "council": council,
            "form": form,
            "title": "Add or change a proxy value",
            "caption": f"{measure.code} {measure.name} (£ per {measure.unit})",
            "back": measure.get_absolute_url(),
        },
    )


EXPORTS = {
    "csv": (exports.to_csv, "text/csv; charset=utf-8"),
    "xlsx": (exports.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@council_view()
def measure_export(request, council, fmt):
    write, content_type = EXPORTS[fmt]
    measures = Measure.objects.visible_to(request.user).filter(council=council).for_library()
    response = HttpResponse(write(measures), content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-measures-{stamp}.{fmt}"'
    return response


def _background_threshold():
    """Files with more data rows than this import as a background job with a progress page."""
    return getattr(settings, "TOMS_IMPORT_BACKGROUND_ROWS", 500)


@council_view(Role.COUNCIL_ADMIN)
def measure_import(request, council):
    posted = request.method == "POST"
    form = MeasureImportForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            heading, rows = imports.read_rows(content, upload.name)
            if len(rows) > _background_threshold():
                job = services.import_job_start(council=council, content=content, filename=upload.name, by=request.user)
                return redirect("import_job_detail", council=council.slug, pk=job.pk)
            plan = imports.check_rows(heading, rows, outcomes=services.council_outcome_keys(council))
            result = services.measures_import(council=council, plan=plan)
        except imports.ImportProblems as exc:
            shown = exc.messages[:MAX_PROBLEMS_SHOWN]
            if len(exc.messages) > len(shown):
                shown.append(f"And {len(exc.messages) - len(shown)} more problems. Fix these and import again.")
            for message in shown:
                form.add_error("file", message)
        else:
            messages.success(request, f"Imported {upload.name}. {result.summary}")
            return redirect("measure_list", council=council.slug)
    return render(
        request,
        "toms/measure_import.html",
        {
            "council": council,
            "form": form,
            "columns": [(c, c in imports.REQUIRED_COLUMNS, imports.COLUMN_HELP[c]) for c in imports.COLUMNS],
            "back": reverse("measure_list", kwargs={"council": council.slug}),
        },
    )


def _job(request, council, pk):
    jobs = ImportJob.objects.visible_to(request.user).filter(council=council)
    return get_object_or_404(jobs.defer("content"), pk=pk)


@council_view(Role.COUNCIL_ADMIN)
def import_job_detail(request, council, pk):
    job = _job(request, council, pk)
    return render(
        request,
        "toms/import_job.html",
        {
            "council": council,
            "job": job,
            "back": reverse("measure_list", kwargs={"council": council.slug}),
        },
    )


@council_view(Role.COUNCIL_ADMIN)
def import_job_status(request, council, pk):
    """The job's progress as JSON, polled by static/js/import-progress.js."""
    job = _job(request, council, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "percent": job.percent_done,
            "rows_checked": job.rows_checked,
            "total_rows": job.total_rows,
        }
    )


# --------------------------------------------------------------------------- calculators


@council_view()
def calculator_list(request, council):
    calculators = Calculator.objects.visible_to(request.user).filter(council=council).for_list()
    return render(
        request,
        "toms/calculator_list.html",
        {"council": council, "calculators": calculators, "can_edit": _is_admin(request, council)},
    )


def _calculator_form_page(request, council, calculator, title):
    form = CalculatorForm(request.POST or None, instance=calculator, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            calculator = services.calculator_save(
                calculator=form.save(commit=False), measures=form.cleaned_data["measures"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Calculator ‘{calculator.name}’ saved.")
            return redirect(calculator)
    back = (
        calculator.get_absolute_url() if calculator.pk else reverse("calculator_list", kwargs={"council": council.slug})
    )
    return render(
        request, "socialvalue/form_page.html", {"council": council, "form": form, "title": title, "back": back}
    )


@council_view(Role.COUNCIL_ADMIN)
def calculator_add(request, council):
    return _calculator_form_page(request, council, Calculator(council=council), "Create a calculator")


@council_view(Role.COUNCIL_ADMIN)
def calculator_edit(request, council, pk):
    calculators = Calculator.objects.editable_by(request.user).filter(council=council).prefetch_related("entries")
    calculator = get_object_or_404(calculators, pk=pk)
    return _calculator_form_page(request, council, calculator, f"Change {calculator.name}")


def current_financial_year(council, today=None) -> int:
    """The financial year today falls in, as the year it starts (April–March by default)."""
    today = today or timezone.localdate()
    start = datetime.date(today.year, council.financial_year_start_month, 1)
    return today.year if today >= start else today.year - 1


def _run_calculator(request, council, pk):
    """Everything the live calculator shows, computed by the engine from the submitted form."""
    calculator = get_object_or_404(Calculator.objects.visible_to(request.user).filter(council=council), pk=pk)
    measures = calculator.ordered_measures()
    quantitative = [m for m in measures if m.is_quantitative]
    years = sorted({pv.year for m in quantitative for pv in m.proxy_values.all()}, reverse=True)
    this_year = current_financial_year(council)
    default_year = (
        this_year
        if this_year in years
        else next((y for y in years if y <= this_year), years[0] if years else this_year)
    )
    submitted = "year" in request.GET
    form = CalculatorRunForm(
        request.GET if submitted else None, measures=measures, years=years or [this_year], default_year=default_year
    )
    result, problems = None, []
    if submitted and not form.is_valid():
        return calculator, measures, form, None, []
    year = form.cleaned_data["year"] if submitted else default_year
    quantities = form.quantities() if submitted else {m.code: 0 for m in quantitative}
    contract_value = form.cleaned_data.get("contract_value") if submitted else None
    try:
        result = calculation.calculate(
            [m.as_calculation_input() for m in quantitative],
            [calculation.Line(code, q) for code, q in quantities.items()],
            year=year,
            contract_value=contract_value,
        )
    except calculation.CalculationError as exc:
        problems = exc.problems
    return calculator, measures, form, result, problems


@council_view()
def calculator_detail(request, council, pk):
    """The live calculator: works by submitting the form; static/js/calculator.js updates it as you type."""
    calculator, measures, form, result, problems = _run_calculator(request, council, pk)
    return render(
        request,
        "toms/calculator_detail.html",
        {
            "council": council,
            "calculator": calculator,
            "form": form,
            "qualitative": [m for m in measures if not m.is_quantitative],
            "result": result,
            "problems": problems,
            "can_edit": _is_admin(request, council),
            "back": reverse("calculator_list", kwargs={"council": council.slug}),
        },
    )


@council_view()
def calculator_result(request, council, pk):
    """Just the results panel, for the script that updates it as quantities are typed."""
    _, _, form, result, problems = _run_calculator(request, council, pk)
    return render(
        request,
        "toms/_calculation_result.html",
        {"form": form, "result": result, "problems": problems, "fragment": True},
    )
