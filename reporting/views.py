"""Annual reports: build and watch (officers), publish, read (cabinet members), download; spend data."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from socialvalue.access import council_view
from socialvalue.models import Role
from suppliers.models import Supplier

from . import display, exports, services
from .forms import BuildReportForm, PayeeMatchForm, SpendUploadForm
from .models import AnnualReport, SpendFile, SpendRow

BUILDERS = (Role.COUNCIL_ADMIN, Role.PROCUREMENT_OFFICER)
READERS = (*BUILDERS, Role.CONTRACT_MANAGER, Role.CABINET_MEMBER)
MAX_UPLOAD = 50 * 1024 * 1024


def _report(request, council, pk):
    return get_object_or_404(AnnualReport.objects.visible_to(request.user).filter(council=council), pk=pk)


@council_view(*READERS)
def report_list(request, council):
    services.reports_fail_stale(council=council)
    can_build = request.user.has_council_role(council, *BUILDERS)
    form = BuildReportForm(request.POST or None, council=council)
    if request.method == "POST":
        if not can_build:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.report_request(council=council, year=form.cleaned_data["year"], by=request.user)
            except ValidationError as exc:
                form.add_error("year", exc.messages[0])
            else:
                return redirect(report)
    reports = AnnualReport.objects.visible_to(request.user).filter(council=council).select_related("council")
    return render(
        request,
        "reporting/report_list.html",
        {
            "council": council,
            "reports": reports,
            "form": form,
            "can_build": can_build,
            "latest_published": next((r for r in reports if r.published_at), None),
        },
    )


@council_view(*READERS)
def report_detail(request, council, pk):
    report = _report(request, council, pk)
    context = {
        "council": council,
        "report": report,
        "can_build": request.user.has_council_role(council, *BUILDERS),
        "back": reverse("report_list", kwargs={"council": council.slug}),
    }
    if report.status != AnnualReport.Status.SUCCEEDED:
        return render(request, "reporting/report_progress.html", context)
    return render(request, "reporting/report_detail.html", {**context, **display.context(report)})


@council_view(*READERS)
def report_status(request, council, pk):
    report = _report(request, council, pk)
    return JsonResponse(
        {
            "status": report.status,
            "progress": report.progress,
            "stage": report.stage,
            "error": report.error,
            "finished": report.is_finished,
        }
    )


@council_view(*READERS)
def report_theme(request, council, pk, index):
    report = _report(request, council, pk)
    if report.status != AnnualReport.Status.SUCCEEDED:
        raise Http404
    names = display.themes(report.figures)
    if not 0 <= index < len(names):
        raise Http404
    return render(
        request,
        "reporting/report_theme.html",
        {
            "council": council,
            "report": report,
            **display.theme_detail(report.figures, names[index]),
            "year_label": display.financial_year(report.year),
            "back": report.get_absolute_url(),
        },
    )


FORMATS = {
    "pdf": ("application/pdf", exports.to_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
}


@council_view(*READERS)
def report_download(request, council, pk, fmt):
    report = _report(request, council, pk)
    if report.status != AnnualReport.Status.SUCCEEDED or fmt not in FORMATS:
        raise Http404
    content_type, render_file = FORMATS[fmt]
    response = HttpResponse(render_file(report), content_type=content_type)
    name = f"{council.slug}-social-value-{report.year}-{report.year + 1}-v{report.version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@council_view(*BUILDERS)
def report_action(request, council, pk, action):
    report = _report(request, council, pk)
    try:
        if action == "publish":
            services.report_publish(report=report, by=request.user)
            messages.success(request, "Published: cabinet members can now read this version.")
        else:
            services.report_retry(report=report, by=request.user)
            messages.success(request, "The build is running again.")
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect(report)


# ------------------------------------------------------------------------------------ spend


@council_view(*BUILDERS)
def spend_list(request, council):
    form = SpendUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", "The file must be smaller than 50 MB")
        else:
            spend_file, problems, already = services.spend_import(
                council=council, content=upload.read(), filename=upload.name, by=request.user
            )
            if spend_file is not None:
                messages.success(
                    request,
                    f"Imported {spend_file.rows} payments from {spend_file.filename}."
                    + (f" {already} were already imported and were not counted again." if already else ""),
                )
                return redirect("spend_list", council=council.slug)
            form.add_error(
                "file", f"The file was not imported: {len(problems)} problem{'s' if len(problems) != 1 else ''} found"
            )
    files = SpendFile.objects.visible_to(request.user).filter(council=council).select_related("uploaded_by")
    totals = (
        SpendRow.objects.visible_to(request.user)
        .filter(council=council)
        .aggregate(payments=Count("pk"), unmatched=Count("payee_key", filter=Q(supplier__isnull=True), distinct=True))
    )
    return render(
        request,
        "reporting/spend_list.html",
        {
            "council": council,
            "form": form,
            "problems": problems[:200],
            "problem_count": len(problems),
            "files": files,
            "payments": totals["payments"],
            "unmatched": totals["unmatched"],
        },
    )


@council_view(*BUILDERS)
def spend_unmatched(request, council):
    """Payees no supplier matched: the review list, with a way to match each by hand."""
    if request.method == "POST":
        form = PayeeMatchForm(request.POST)
        if form.is_valid():
            count = services.payee_match(
                council=council,
                payee_key=form.cleaned_data["payee_key"],
                supplier=form.cleaned_data["supplier"],
                by=request.user,
            )
            messages.success(
                request, f"Matched {count} payment{'s' if count != 1 else ''} to {form.cleaned_data['supplier'].name}."
            )
        else:
            messages.error(request, "Choose a supplier to match the payee to.")
        return redirect("spend_unmatched", council=council.slug)
    payees = (
        SpendRow.objects.visible_to(request.user)
        .filter(council=council, supplier__isnull=True)
        .values("payee_key")
        .annotate(total=Sum("amount"), payments=Count("pk"))
        .order_by("-total")[:200]
    )
    names = dict(
        SpendRow.objects.filter(council=council, payee_key__in=[p["payee_key"] for p in payees]).values_list(
            "payee_key", "payee"
        )
    )
    rows = [{**p, "payee": names.get(p["payee_key"], p["payee_key"])} for p in payees]
    return render(
        request,
        "reporting/spend_unmatched.html",
        {
            "council": council,
            "rows": rows,
            "suppliers": Supplier.objects.order_by("name").only("pk", "name"),
            "back": reverse("spend_list", kwargs={"council": council.slug}),
        },
    )
