"""Annual reports: figures checked by hand, frozen versions, failure and retry, publishing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from procurement import services as procurement_services
from procurement.models import Award, Stage
from procurement.tests.factories import ProcurementFactory, TenderFactory
from reporting import figures, services
from reporting.models import AnnualReport, SpendRow
from suppliers.tests.factories import SupplierFactory
from toms.tests.factories import CalculatorFactory, MeasureFactory

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """Builds are queued on commit; run them when each service call returns, as after a real commit."""
    from contextlib import contextmanager

    global run_commits

    @contextmanager
    def run_commits():
        with django_capture_on_commit_callbacks(execute=True):
            yield


def _build(**kwargs):
    with run_commits():
        report = services.report_request(**kwargs)
    report.refresh_from_db()
    return report


def _retry(**kwargs):
    with run_commits():
        return services.report_retry(**kwargs)


def _at(y, m, d):
    return datetime.datetime(y, m, d, 12, tzinfo=TZ)


@pytest.fixture
def year_data(council, officer):
    """FY 2025/26 for Coventry: two awards with commitments, one opt-out, spend with an SME and a VCSE."""
    economic = council.current_policy.themes.get(name="Economic")
    jobs = economic.outcomes.get()
    social = council.current_policy.themes.get(name="Social")
    volunteering = social.outcomes.create(name="Stronger communities")
    local_jobs = MeasureFactory(council=council, code="EC1", name="Local jobs", values={2025: "1000"}, outcomes=[jobs])
    hours = MeasureFactory(
        council=council, code="SO1", name="Volunteering hours", values={2025: "15"}, outcomes=[volunteering]
    )
    calculator = CalculatorFactory(council=council, measures=[local_jobs, hours])

    def awarded(reference, price, quantities, when):
        procurement = ProcurementFactory(
            council=council,
            lead_officer=officer,
            reference=reference,
            calculator=calculator,
            stage=Stage.EVALUATION,
            opened_at=timezone.now(),
            opened_by=officer,
        )
        procurement.created_at = when
        procurement.save()
        tender = TenderFactory(procurement=procurement, price=Decimal(price), submitted_at=when)
        for measure, qty in quantities.items():
            value = (Decimal(qty) * measure.proxy_values.get(year=2025).value).quantize(Decimal("0.01"))
            tender.commitments.create(
                measure=measure,
                quantity=Decimal(qty),
                year=2025,
                proxy_value=measure.proxy_values.get(year=2025).value,
                value=value,
            )
        procurement_services.contract_award(
            procurement=procurement,
            tender=tender,
            reason="Best",
            commercially_sensitive=False,
            by=officer,
            start_date=when.date(),
            end_date=when.date().replace(year=2027),
        )
        Award.objects.filter(procurement=procurement).update(awarded_at=when)
        return procurement

    a = awarded("A", "200000", {local_jobs: "10", hours: "200"}, _at(2025, 6, 1))  # £10,000 + £3,000
    awarded("B", "300000", {local_jobs: "2"}, _at(2026, 3, 31))  # £2,000
    awarded("OLD", "100000", {local_jobs: "5"}, _at(2025, 3, 31))  # previous year: £5,000
    out = ProcurementFactory(
        council=council,
        lead_officer=officer,
        reference="OPT",
        opted_out=True,
        estimated_value=Decimal("400000"),
        price_weight=70,
        quality_weight=30,
        social_value_quantitative_weight=0,
        social_value_qualitative_weight=0,
        opt_out_justification="Emergency repairs",
        opt_out_evidence="Explored with market",
    )
    out.created_at = _at(2025, 9, 1)
    out.save()
    sme = SupplierFactory(name="Small Firm Ltd", headcount=20, postcode="CV1 2AB", companies_house_number="")
    vcse = SupplierFactory(
        name="Helping Hands",
        is_vcse=True,
        headcount=300,
        turnover=Decimal("60000000"),
        balance_sheet_total=Decimal("50000000"),
        postcode="B1 1AA",
        companies_house_number="",
    )
    big = SupplierFactory(
        name="Big Corp plc",
        headcount=900,
        turnover=Decimal("90000000"),
        balance_sheet_total=Decimal("70000000"),
        postcode="LS1 4AP",
        companies_house_number="",
    )
    assert (sme.size_class, vcse.size_class, big.size_class) == ("small", "large", "large")
    content = (
        "Body,Date,Transaction Number,Amount,Supplier Name,Expense Type\n"
        'Coventry City Council,01/05/2025,T1,"£1,000.00",Small Firm Limited,Services\n'
        "Coventry City Council,02/05/2025,T2,3000,HELPING HANDS,Grants\n"
        "Coventry City Council,03/05/2025,T3,6000,Big Corp PLC,Works\n"
        "Coventry City Council,04/05/2025,T4,1000,Nobody We Know,Works\n"
        "Coventry City Council,04/05/2024,T0,999,Small Firm Ltd,Last year\n"
    ).encode()
    _spend_file, problems, _ = services.spend_import(council=council, content=content, filename="spend.csv", by=officer)
    assert not problems
    # Delivery on contract A: accepted lines verified in the year count; rejected or later ones don't.
    from procurement.contract_models import KpiReturn, LineStatus, PerformanceRating, Rating, ReturnLine

    contract = a.contracts.get()
    ec1, so1 = contract.kpis.order_by("measure__code")
    first, second = (
        KpiReturn.objects.create(
            contract=contract,
            number=n,
            period_start=datetime.date(2025, m, 1),
            period_end=datetime.date(2025, m + 2, 28),
            status="verified",
        )
        for n, m in ((1, 6), (2, 9))
    )
    for ret, kpi, qty, status, when in (
        (first, ec1, "4", LineStatus.ACCEPTED, _at(2025, 10, 1)),
        (first, so1, "100", LineStatus.ACCEPTED, _at(2025, 10, 1)),
        (second, so1, "50", LineStatus.REJECTED, _at(2026, 1, 5)),
        (second, ec1, "3", LineStatus.ACCEPTED, _at(2026, 4, 2)),
    ):
        ReturnLine.objects.create(
            kpi_return=ret,
            kpi=kpi,
            quantity=Decimal(qty),
            status=status,
            verified_at=when,
            reason="" if status == LineStatus.ACCEPTED else "No evidence",
        )
    PerformanceRating.objects.create(
        contract=contract,
        rating=Rating.APPROACHING,
        reason="Behind on jobs",
        rated_on=datetime.date(2026, 2, 1),
        recorded_by=officer,
    )
    return {"sme": sme, "vcse": vcse, "big": big}


def test_a_report_over_known_data_matches_figures_worked_by_hand(council, officer, year_data):
    report = _build(council=council, year=2025, by=officer)
    assert report.status == AnnualReport.Status.SUCCEEDED, report.error
    s = report.figures["sections"]
    # Committed: awards A and B in 2025/26: £10,000 + £3,000 + £2,000 = £15,000 on £500,000 (3.0%)
    assert s["committed"]["contracts"] == 2
    assert s["committed"]["value"] == "15000.00"
    assert s["committed"]["contract_value"] == "500000.00"
    assert s["committed"]["percent_of_contract_value"] == "3.0"
    assert s["committed"]["by_theme"] == [
        {"theme": "Economic", "value": "12000.00"},
        {"theme": "Social", "value": "3000.00"},
    ]
    assert [m["code"] for m in s["committed"]["by_measure"]] == ["EC1", "SO1"]
    # Procurements started in the year: A, B and the opt-out; all over £100,000.
    p = s["procurements"]
    assert (p["total"], p["considered"], p["above_mandatory"], p["above_compliant"], p["above_opted_out"]) == (
        3,
        2,
        3,
        2,
        1,
    )
    assert p["opt_outs"][0]["opt_out_justification"] == "Emergency repairs"
    # Spend in 2025/26: £11,000; SME £1,000, VCSE £3,000 → 36.4% against 25%; local (CV) £1,000.
    sp = s["spend"]
    assert (sp["total"], sp["sme"], sp["vcse"], sp["sme_or_vcse"], sp["local"], sp["unmatched"]) == (
        "11000.00",
        "1000.00",
        "3000.00",
        "4000.00",
        "1000.00",
        "1000.00",
    )
    assert sp["sme_or_vcse_percent"] == "36.4" and sp["target_met"] is True
    # Delivered: accepted lines verified in 2025/26: 4 × £1,000 + 100 × £15 = £5,500 (the rejected
    # line and the one verified in April 2026 don't count); contracts active in the year committed
    # £20,000 (A £13,000, B £2,000, OLD £5,000) on £600,000: 27.5% of committed, 0.9% of value.
    d = s["delivered"]
    assert (d["value"], d["committed_active"], d["percent_of_committed"], d["percent_of_contract_value"]) == (
        "5500.00",
        "20000.00",
        "27.5",
        "0.9",
    )
    assert d["by_theme"] == [{"theme": "Economic", "value": "4000.00"}, {"theme": "Social", "value": "1500.00"}]
    # Ratings recorded in the year; every active contract with commitments has a RAG status.
    assert {r["rating"]: r["count"] for r in s["kpis"]["ratings"]}["Approaching target"] == 1
    assert sum(r["count"] for r in s["kpis"]["rag"]) == 3
    assert s["contracts"]["delivering_most"][0]["reference"] == "A"
    # The year before: award OLD, £5,000; nothing delivered; T0, £999 with the SME.
    assert report.figures["previous_year"] == {
        "committed": {"value": "5000.00"},
        "delivered": {"value": "0.00"},
        "spend": {"sme_or_vcse": "999.00"},
    }


def test_spend_payees_are_matched_by_number_then_name(council, officer, year_data):
    assert SpendRow.objects.get(transaction_number="T1").supplier == year_data["sme"]
    assert SpendRow.objects.get(transaction_number="T4").supplier is None
    year_data["big"].companies_house_number = "00012345"
    year_data["big"].save()
    content = (
        b"Body,Date,Transaction Number,Amount,Supplier Name,Company Number\n"
        b"CCC,05/05/2025,T9,700,A Different Trading Name,12345\n"
    )
    services.spend_import(council=council, content=content, filename="more.csv", by=officer)
    row = SpendRow.objects.get(transaction_number="T9")
    assert (row.supplier, row.match) == (year_data["big"], SpendRow.Match.NUMBER)


def test_a_spend_file_with_a_bad_row_imports_nothing_and_names_row_and_column(council, officer):
    content = (
        b"Body,Date,Transaction Number,Amount,Supplier Name\n"
        b"CCC,01/05/2025,T1,100,Good Ltd\n"
        b"CCC,31/02/2025,T2,lots,Bad Ltd\n"
    )
    spend_file, problems, _ = services.spend_import(council=council, content=content, filename="s.csv", by=officer)
    assert spend_file is None
    assert problems == [
        "Row 3, column Amount: 'lots' is not an amount of money",
        "Row 3, column Date: '31/02/2025' is not a date, like 31/03/2026",
    ]
    assert not SpendRow.objects.exists()


def test_a_missing_column_is_named(council, officer):
    _, problems, _ = services.spend_import(
        council=council, content=b"Date,Amount\n01/01/2025,5\n", filename="s.csv", by=officer
    )
    assert "Column 'Body' is missing" in problems[0]


def test_reimporting_the_same_file_counts_nothing_twice(council, officer, year_data):
    content = (
        b"Body,Date,Transaction Number,Amount,Supplier Name,Expense Type\n"
        b"Coventry City Council,03/05/2025,T3,6000,Big Corp PLC,Works\n"
    )
    spend_file, problems, already = services.spend_import(
        council=council, content=content, filename="again.csv", by=officer
    )
    assert (spend_file.rows, already, problems) == (0, 1, [])
    assert SpendRow.objects.filter(transaction_number="T3").count() == 1


def test_a_rebuild_after_an_edit_is_a_new_version_and_the_first_is_unchanged(council, officer, year_data):
    first = _build(council=council, year=2025, by=officer)
    first.refresh_from_db()
    frozen = first.figures
    SpendRow.objects.filter(transaction_number="T3").update(amount=Decimal("16000"))
    second = _build(council=council, year=2025, by=officer)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.figures == frozen
    assert first.figures["sections"]["spend"]["total"] == "11000.00"
    assert second.figures["sections"]["spend"]["total"] == "21000.00"


def test_a_build_killed_part_way_leaves_nothing_and_can_be_retried(council, officer, year_data, monkeypatch):
    def explode(data):
        raise RuntimeError("worker killed mid-build")

    original = services.SECTIONS
    monkeypatch.setattr(services, "SECTIONS", [original[0], ("spend", "Spend", explode), *original[2:]])
    report = _build(council=council, year=2025, by=officer)
    assert report.status == AnnualReport.Status.FAILED
    assert report.figures is None
    assert "worker killed mid-build" in report.error
    monkeypatch.setattr(services, "SECTIONS", original)
    _retry(report=report, by=officer)
    report.refresh_from_db()
    assert (report.status, report.version, report.attempts) == (AnnualReport.Status.SUCCEEDED, 1, 2)
    assert report.figures["sections"]["spend"]["total"] == "11000.00"


def test_only_one_build_per_council_and_year_runs_at_once(council, officer):
    AnnualReport.objects.create(
        council=council, year=2025, version=1, status=AnnualReport.Status.RUNNING, started_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="already being built"):
        _build(council=council, year=2025, by=officer)


def test_a_build_whose_worker_died_is_failed_and_retryable(council, officer):
    stale = AnnualReport.objects.create(
        council=council,
        year=2025,
        version=1,
        status=AnnualReport.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    report = _build(council=council, year=2025, by=officer)
    stale.refresh_from_db()
    assert stale.status == AnnualReport.Status.FAILED and "worker was lost" in stale.error
    assert report.version == 2


def test_cabinet_members_see_published_reports_only(client, council, officer, cabinet_member, year_data):
    report = _build(council=council, year=2025, by=officer)
    client.force_login(cabinet_member)
    assert client.get(report.get_absolute_url()).status_code == 404
    services.report_publish(report=AnnualReport.objects.get(pk=report.pk), by=officer)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    assert "£15,000.00" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_command_builds_a_report(council, officer, year_data, capsys):
    call_command("annual_report", "--council", council.slug, "--year", "2025")
    assert "£15000.00 committed in 2 contracts" in capsys.readouterr().out


def test_the_year_end_schedule_builds_last_years_report_on_1_may(council, year_data):
    from reporting.tasks import build_reports_after_year_end

    assert build_reports_after_year_end("2026-04-01") == []
    with run_commits():
        [report_id] = build_reports_after_year_end("2026-05-01")
    assert AnnualReport.objects.get(pk=report_id).year == 2025
    assert build_reports_after_year_end("2026-05-01") == []  # already built


def test_downloads_carry_the_same_figures(client, council, officer, year_data):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    report = _build(council=council, year=2025, by=officer)
    client.force_login(officer)
    url = lambda fmt: reverse("report_download", kwargs={"council": council.slug, "pk": report.pk, "fmt": fmt})  # noqa: E731
    csv_text = client.get(url("csv")).content.decode("utf-8-sig")
    assert "Social value committed" in csv_text and "£15,000.00" in csv_text
    book = load_workbook(io.BytesIO(client.get(url("xlsx")).content))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "£15,000.00" in values
    pdf = PdfReader(io.BytesIO(client.get(url("pdf")).content))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "£15,000.00" in text and "36.4%" in text
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged for accessibility
    assert root["/Lang"] == "en-GB"


@pytest.mark.parametrize("count", [2, 20])
def test_the_report_page_runs_a_fixed_number_of_queries(client, council, officer, count, django_assert_num_queries):
    for year in range(2025 - count + 1, 2026):
        AnnualReport.objects.create(council=council, year=year, version=1, status="succeeded")
    client.force_login(officer)
    # savepoint, session, user, council, roles, stale-build check, reports, supplier nav check, release
    with django_assert_num_queries(9):
        response = client.get(reverse("report_list", kwargs={"council": council.slug}))
    assert len(response.context["reports"]) == count


def test_figures_use_the_councils_financial_year(council):
    council.financial_year_start_month = 1
    start, end = figures.year_bounds(council, 2025)
    assert (start.month, end.year) == (1, 2026)


def test_the_demo_activity_loads_once_and_publishes_a_report():
    for command in ("seed_policies", "load_demo_data", "load_example_measures", "load_demo_activity"):
        call_command(command, "--allow-production") if command.startswith("load_demo") else call_command(command)
    call_command("load_demo_activity", "--allow-production")
    reports = AnnualReport.objects.filter(council__slug="coventry")
    assert reports.count() == 1
    report = reports.get()
    assert report.status == AnnualReport.Status.SUCCEEDED and report.published_at is not None
    assert Decimal(report.figures["sections"]["delivered"]["value"]) > 0


def test_a_kpi_of_no_measure_counts_in_delivered_and_the_year_before_is_compared(council, officer, year_data):
    """A KPI added by hand with a £ per unit but no TOMs measure still delivers social value (issue 7:
    "delivered (verified returns in the year), in £"); lines verified the year before feed the comparison."""
    from procurement.contract_models import KpiReturn, LineStatus, ReturnLine

    contract = Award.objects.get(procurement__reference="A").contract
    by_hand = contract.kpis.create(
        name="Apprentices mentored", unit="people", target_quantity=4, proxy_value=Decimal("250"), position=9
    )
    ret = KpiReturn.objects.create(
        contract=contract,
        number=3,
        period_start=datetime.date(2025, 12, 1),
        period_end=datetime.date(2026, 2, 28),
        status="verified",
    )
    ReturnLine.objects.create(
        kpi_return=ret, kpi=by_hand, quantity=Decimal("2"), status=LineStatus.ACCEPTED, verified_at=_at(2026, 3, 1)
    )
    ReturnLine.objects.create(  # verified in 2024/25: the year before
        kpi_return=ret,
        kpi=contract.kpis.get(measure__code="SO1"),
        quantity=Decimal("10"),
        status=LineStatus.ACCEPTED,
        verified_at=_at(2025, 3, 1),
    )
    report = _build(council=council, year=2025, by=officer)
    d = report.figures["sections"]["delivered"]
    # £5,500 as in the worked example, plus 2 × £250 from the KPI of no measure.
    assert d["value"] == "6000.00"
    assert {
        "code": "",
        "name": "KPIs not from the measure library",
        "theme": "No outcome",
        "outcome": "No outcome",
        "value": "500.00",
    } in d["by_measure"]
    assert report.figures["previous_year"]["delivered"] == {"value": "150.00"}  # 10 × £15


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_workers_build_runs_the_return_lines_pass_alongside(council, officer, year_data, monkeypatch):
    """Outside a transaction (as in a worker) the pass over return lines runs on its own connection,
    and the figures are the ones worked by hand above."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the concurrent pass is PostgreSQL's (the CI services run)")
    threads = []
    original = figures.ReportYear._delivery_on_own_connection

    def spy(self):
        threads.append(("delivery", threading.current_thread() is not threading.main_thread()))
        return original(self)

    monkeypatch.setattr(figures.ReportYear, "_delivery_on_own_connection", spy)
    report = AnnualReport.objects.create(council=council, year=2025, version=1)
    services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert threads == [("delivery", True)]
    assert report.status == AnnualReport.Status.SUCCEEDED, report.error
    s = report.figures["sections"]
    assert (s["delivered"]["value"], s["committed"]["value"], s["spend"]["sme_or_vcse_percent"]) == (
        "5500.00",
        "15000.00",
        "36.4",
    )
    assert s["delivered"]["by_theme"] == [
        {"theme": "Economic", "value": "4000.00"},
        {"theme": "Social", "value": "1500.00"},
    ]
    assert sum(r["count"] for r in s["kpis"]["rag"]) == 3


def test_scale_data_is_made_replaced_and_reported_on(officer):
    """Issue 7, scale: ``generate_scale_data`` makes the large council (here at a fiftieth of the
    default) and --replace makes it again from nothing; the report over it matches its own rows."""
    from procurement.contract_models import ReturnLine

    args = ["--contracts", "100", "--commitments-per-contract", "5", "--spend-rows", "400", "--suppliers", "30"]
    call_command("generate_scale_data", *args)
    with pytest.raises(Exception, match="use --replace"):
        call_command("generate_scale_data", *args)
    call_command("generate_scale_data", *args, "--replace")
    from socialvalue.models import Council

    council = Council.objects.get(slug="large-borough")
    assert ReturnLine.objects.filter(kpi__contract__council=council).count() == 100 * 5 * 4
    assert SpendRow.objects.filter(council=council).count() == 400
    report = _build(council=council, year=2025, by=officer)
    assert report.status == AnnualReport.Status.SUCCEEDED, report.error
    s = report.figures["sections"]
    assert (
        s["spend"]["payments"]
        == SpendRow.objects.filter(
            council=council, paid_on__gte=datetime.date(2025, 4, 1), paid_on__lt=datetime.date(2026, 4, 1)
        ).count()
    )
    assert sum(r["count"] for r in s["kpis"]["rag"]) == s["kpis"]["contracts"] > 0


def test_identical_lines_are_each_a_payment_and_a_reimport_still_counts_nothing_twice(council, officer):
    """Published spend files split a transaction over lines alike in every column we read; the
    council's total must add up (LGTC spend over £500), and importing the file again adds nothing."""
    line = "Coventry City Council,01/05/2025,T9,750,Small Firm Ltd,Services\n"
    header = "Body,Date,Transaction Number,Amount,Supplier Name,Expense Type\n"
    first, problems, already = services.spend_import(
        council=council, content=(header + line * 2).encode(), filename="may.csv", by=officer
    )
    assert (problems, first.rows, first.total, already) == ([], 2, Decimal("1500"), 0)
    again, problems, already = services.spend_import(
        council=council, content=(header + line * 2).encode(), filename="may-again.csv", by=officer
    )
    assert (problems, again.rows, already) == ([], 0, 2)
    more, _, already = services.spend_import(
        council=council, content=(header + line * 3).encode(), filename="may-corrected.csv", by=officer
    )
    assert (more.rows, already) == (1, 2)
    assert SpendRow.objects.filter(council=council, transaction_number="T9").count() == 3
