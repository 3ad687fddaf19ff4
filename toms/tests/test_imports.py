"""Importing a measure library: every error case with the message a person sees, all or nothing,
re-imports that change nothing, new years beside old ones, large files as background jobs, and
exports that re-import cleanly."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from toms import exports, services
from toms.imports import ImportProblems
from toms.models import ImportJob, Measure, ProxyValue

pytestmark = pytest.mark.django_db

HEADING = "code,name,unit,year,proxy_value,outcome,guidance,type,local_only,source"
OUTCOME = "More local people in work"
GOOD = f"""{HEADING}
EC1,Local people employed,FTE years,2025,23809.50,{OUTCOME},Count full-time equivalents,quantitative,yes,NLW × 37.5 × 52
EC2,Apprenticeship weeks,weeks,2025,283.13,{OUTCOME},,,no,Apprentice rate × 37.5
EC3,Careers talks,hours,,,  more LOCAL people in work ,,qualitative,,
"""


def csv_bytes(text):
    return text.encode("utf-8")


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems_of(council, content, filename="measures.csv"):
    """The problems a person is shown; and nothing was saved."""
    with pytest.raises(ImportProblems) as exc:
        services.measures_import_file(council=council, content=content, filename=filename)
    assert not Measure.objects.exists()
    return exc.value.messages


def test_a_good_file_adds_measures_with_their_outcomes_and_values(council):
    result = services.measures_import_file(council=council, content=csv_bytes(GOOD), filename="library.csv")
    assert result.summary == "Measures: 3 added, 0 changed. Proxy values: 2 added, 0 changed."
    ec1 = Measure.objects.get(council=council, code="EC1")
    assert (ec1.name, ec1.unit, ec1.local_only, ec1.kind) == (
        "Local people employed",
        "FTE years",
        True,
        "quantitative",
    )
    assert [o.name for o in ec1.outcomes.all()] == [OUTCOME]
    assert ec1.proxy_values.get(year=2025).value == Decimal("23809.5000")
    assert ec1.history.count() == 1  # history is kept from the first import
    ec3 = Measure.objects.get(code="EC3")
    assert ec3.kind == "qualitative" and not ec3.proxy_values.exists()
    assert [o.name for o in ec3.outcomes.all()] == [OUTCOME]  # matched ignoring case and spaces


def test_re_importing_the_same_file_changes_nothing(council):
    services.measures_import_file(council=council, content=csv_bytes(GOOD), filename="library.csv")
    history = ProxyValue.history.count() + Measure.history.count()
    result = services.measures_import_file(council=council, content=csv_bytes(GOOD), filename="library.csv")
    assert result.summary == "Measures: 0 added, 0 changed. Proxy values: 0 added, 0 changed."
    assert "0 added, 0 changed" in result.summary
    assert ProxyValue.history.count() + Measure.history.count() == history


def test_a_new_years_values_are_added_without_duplicating_measures(council):
    services.measures_import_file(council=council, content=csv_bytes(GOOD), filename="library.csv")
    next_year = GOOD.replace(",2025,", ",2026,").replace("23809.50", "24786.00")
    result = services.measures_import_file(council=council, content=csv_bytes(next_year), filename="library.csv")
    assert result.summary == "Measures: 0 added, 0 changed. Proxy values: 2 added, 0 changed."
    assert Measure.objects.filter(council=council).count() == 3
    ec1 = Measure.objects.get(code="EC1")
    assert {pv.year: pv.value for pv in ec1.proxy_values.all()} == {2025: Decimal("23809.5"), 2026: Decimal("24786")}


def test_a_changed_value_and_name_are_counted_as_changes_and_kept_in_history(council):
    services.measures_import_file(council=council, content=csv_bytes(GOOD), filename="library.csv")
    changed = GOOD.replace("23809.50", "24000").replace("Apprenticeship weeks", "Apprentice weeks")
    result = services.measures_import_file(council=council, content=csv_bytes(changed), filename="library.csv")
    assert result.summary == "Measures: 0 added, 1 changed. Proxy values: 0 added, 1 changed."
    pv = ProxyValue.objects.get(measure__code="EC1", year=2025)
    assert [h.value for h in pv.history.order_by("history_date")] == [Decimal("23809.5"), Decimal("24000")]


def test_an_xlsx_file_imports_like_a_csv(council):
    rows = [line.split(",") for line in GOOD.strip().splitlines()]
    rows[1][3], rows[1][4] = 2025, 23809.5  # numbers as a spreadsheet stores them
    result = services.measures_import_file(council=council, content=xlsx_bytes(rows), filename="library.XLSX")
    assert result.measures_added == 3
    assert ProxyValue.objects.get(measure__code="EC1").value == Decimal("23809.5")


def test_headings_ignore_case_and_spaces(council):
    text = "Code,Name,Unit,Year,Proxy value,Outcome\nEC1,Jobs,FTE,2025/26,£1,000.50,More local people in work\n"
    text = text.replace("£1,000.50", '"£1,000.50"')
    services.measures_import_file(council=council, content=csv_bytes(text), filename="x.csv")
    assert ProxyValue.objects.get().value == Decimal("1000.5")


# ------------------------------------------------------------------------- error cases


def test_a_file_that_is_not_csv_or_xlsx_is_refused(council):
    assert problems_of(council, b"%PDF-1.4", "measures.pdf") == ["The selected file must be a CSV or XLSX"]
    assert problems_of(council, b"not a zip", "measures.xlsx") == ["The selected file must be a CSV or XLSX"]
    assert problems_of(council, b"PK\x03\x04junk", "measures.csv") == ["The selected file must be a CSV or XLSX"]


def test_an_empty_file_is_refused(council):
    assert problems_of(council, b"") == ["The selected file is empty"]
    assert problems_of(council, b"\n\n") == ["The selected file is empty"]
    assert problems_of(council, csv_bytes(HEADING + "\n")) == [
        "The selected file has no measures: add a row for each measure under the heading row"
    ]


def test_a_missing_column_is_named(council):
    text = "code,name,unit,year,outcome\nEC1,Jobs,FTE,2025,More local people in work\n"
    assert problems_of(council, csv_bytes(text)) == [
        "Row 1, column proxy_value: this column is missing from the heading row; "
        "the file needs columns code, name, unit, year, proxy_value, outcome"
    ]


def test_a_non_numeric_value_is_reported_by_row_and_column(council):
    text = GOOD.replace("283.13", "about 280")
    assert problems_of(council, csv_bytes(text)) == [
        'Row 3, column proxy_value: enter a number, like 12.50, not "about 280"'
    ]
    assert not Measure.objects.exists()  # the good rows were not saved either


def test_a_negative_value_is_reported(council):
    text = GOOD.replace("283.13", "-283.13")
    assert problems_of(council, csv_bytes(text)) == [
        "Row 3, column proxy_value: the proxy value must be £0 or more, not -283.13"
    ]


def test_a_bad_year_is_reported(council):
    text = GOOD.replace(",2025,283.13", ",2025/27,283.13")
    assert problems_of(council, csv_bytes(text)) == [
        'Row 3, column year: enter the year the financial year starts, like 2025 for 2025/26, not "2025/27"'
    ]


def test_a_duplicate_code_with_different_details_is_reported(council):
    text = GOOD + "EC1,Local jobs,FTE years,2026,24000,More local people in work,Count full-time equivalents,,yes,\n"
    assert problems_of(council, csv_bytes(text)) == [
        "Row 5, column name: code EC1 is also on row 2 with a different name; "
        "a measure's details must be the same on every row"
    ]


def test_a_duplicate_code_and_year_with_a_different_value_is_reported(council):
    row = GOOD.splitlines()[1].replace("23809.50", "1")
    assert problems_of(council, csv_bytes(GOOD + row + "\n")) == [
        "Row 5, column proxy_value: code EC1 already has a 2025/26 value on row 2; give each measure one value a year"
    ]


def test_an_identical_duplicate_row_is_harmless(council):
    row = GOOD.splitlines()[1]
    result = services.measures_import_file(council=council, content=csv_bytes(GOOD + row + "\n"), filename="x.csv")
    assert result.values_added == 2


def test_an_unknown_outcome_is_reported(council):
    text = GOOD.replace(f"2025,283.13,{OUTCOME}", "2025,283.13,Happier badgers")
    assert problems_of(council, csv_bytes(text)) == [
        'Row 3, column outcome: there is no outcome called "Happier badgers" in the council\'s current policy'
    ]


def test_another_councils_outcome_does_not_match(council, other_council):
    text = GOOD.replace(f"2025,283.13,{OUTCOME}", "2025,283.13,Residents feel safe")
    assert problems_of(council, csv_bytes(text))[0].startswith("Row 3, column outcome: there is no outcome called")


def test_every_problem_in_every_row_is_reported(council):
    text = f"{HEADING}\n,Jobs,,2025,x,Nowhere,,sometimes,maybe,\nEC2,Apps,weeks,,5,{OUTCOME},,,,\n"
    assert problems_of(council, csv_bytes(text)) == [
        "Row 2, column code: enter the measure's reference code",
        "Row 2, column unit: enter the unit, like weeks or tonnes CO2e",
        'Row 2, column type: enter quantitative or qualitative, not "sometimes"',
        'Row 2, column local_only: enter yes or no, not "maybe"',
        'Row 2, column outcome: there is no outcome called "Nowhere" in the council\'s current policy',
        'Row 2, column proxy_value: enter a number, like 12.50, not "x"',
        "Row 3, column year: enter the financial year this proxy value is for, like 2025 for 2025/26",
    ]


def test_a_10000_row_file_imports_in_one_go(council):
    rows = [HEADING] + [
        f"T{i:05d},Measure {i},hours,2025,{i % 997}.25,{OUTCOME},,,,Illustrative" for i in range(10_000)
    ]
    content = csv_bytes("\n".join(rows) + "\n")
    result = services.measures_import_file(council=council, content=content, filename="big.csv")
    assert (result.measures_added, result.values_added) == (10_000, 10_000)
    assert ProxyValue.objects.filter(measure__council=council).count() == 10_000
    again = services.measures_import_file(council=council, content=content, filename="big.csv")
    assert again.summary == "Measures: 0 added, 0 changed. Proxy values: 0 added, 0 changed."


def test_a_10000_row_file_with_one_bad_row_saves_nothing(council):
    rows = [HEADING] + [f"T{i:05d},Measure {i},hours,2025,1,{OUTCOME},,,," for i in range(10_000)]
    rows[7500] = rows[7500].replace(",1,", ",-1,")
    assert problems_of(council, csv_bytes("\n".join(rows))) == [
        "Row 7501, column proxy_value: the proxy value must be £0 or more, not -1"
    ]
    assert not Measure.objects.exists()


# ------------------------------------------------------------------------- exports


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_re_imports_cleanly_and_changes_nothing(council, fmt):
    services.measures_import_file(council=council, content=csv_bytes(GOOD), filename="library.csv")
    services.measures_import_file(
        council=council, content=csv_bytes(GOOD.replace(",2025,", ",2026,")), filename="n.csv"
    )
    measures = Measure.objects.filter(council=council).for_library()
    content = exports.to_csv(measures) if fmt == "csv" else exports.to_xlsx(measures)
    result = services.measures_import_file(council=council, content=content, filename=f"export.{fmt}")
    assert result.summary == "Measures: 0 added, 0 changed. Proxy values: 0 added, 0 changed."
    assert result.rows == 5  # two years for EC1 and EC2, one row for the qualitative EC3


def test_the_xlsx_export_has_the_import_columns_and_numbers(council):
    services.measures_import_file(council=council, content=csv_bytes(GOOD), filename="library.csv")
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(Measure.objects.for_library()))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert ",".join(rows[0]) == HEADING
    assert rows[1][:5] == ("EC1", "Local people employed", "FTE years", 2025, 23809.5)


# ------------------------------------------------------------------------- the upload page


def upload(client, council, content, name="measures.csv"):
    url = reverse("measure_import", kwargs={"council": council.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_the_upload_page_shows_each_problem_in_an_error_summary(client, council, council_admin):
    client.force_login(council_admin)
    response = upload(client, council, csv_bytes(GOOD.replace("283.13", "-1")))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Row 3, column proxy_value: the proxy value must be £0 or more, not -1" in html
    assert "<title>Error: Import measures" in html
    assert not Measure.objects.exists()


def test_the_upload_page_refuses_other_file_types_inline(client, council, council_admin):
    client.force_login(council_admin)
    response = upload(client, council, b"hello", "measures.txt")
    assert "The selected file must be a CSV or XLSX" in response.content.decode()
    response = client.post(reverse("measure_import", kwargs={"council": council.slug}), {})
    assert "Select a CSV or XLSX file" in response.content.decode()


def test_a_good_upload_imports_and_says_what_changed(client, council, council_admin):
    client.force_login(council_admin)
    response = upload(client, council, csv_bytes(GOOD))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Imported measures.csv. Measures: 3 added, 0 changed. Proxy values: 2 added, 0 changed." in page
    response = upload(client, council, csv_bytes(GOOD))
    assert "0 added, 0 changed" in client.get(response["Location"]).content.decode()


def test_a_large_upload_runs_as_a_background_job_with_progress(
    client, council, council_admin, settings, django_capture_on_commit_callbacks
):
    settings.TOMS_IMPORT_BACKGROUND_ROWS = 2
    client.force_login(council_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, council, csv_bytes(GOOD))
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import_job_detail", kwargs={"council": council.slug, "pk": job.pk})
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.summary == "Measures: 3 added, 0 changed. Proxy values: 2 added, 0 changed."
    assert (job.rows_checked, job.total_rows, bytes(job.content)) == (3, 3, b"")
    assert "Import complete" in client.get(response["Location"]).content.decode()
    status = client.get(reverse("import_job_status", kwargs={"council": council.slug, "pk": job.pk})).json()
    assert status == {
        "status": "succeeded",
        "status_label": "Succeeded",
        "finished": True,
        "percent": 100,
        "rows_checked": 3,
        "total_rows": 3,
    }


def test_a_failed_background_job_writes_nothing_and_lists_the_problems(
    client, council, council_admin, settings, django_capture_on_commit_callbacks
):
    settings.TOMS_IMPORT_BACKGROUND_ROWS = 2
    client.force_login(council_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, council, csv_bytes(GOOD.replace("Local people employed", "")))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.problems == ["Row 2, column name: enter the measure's name"]
    assert not Measure.objects.exists()
    assert "Row 2, column name: enter the measure&#x27;s name" in client.get(response["Location"]).content.decode()


def test_running_a_finished_job_again_does_nothing(council):
    job = ImportJob.objects.create(council=council, filename="x.csv", content=csv_bytes(GOOD))
    services.import_job_run(job_id=job.pk)
    assert Measure.objects.count() == 3
    Measure.objects.all().delete()
    assert services.import_job_run(job_id=job.pk).status == ImportJob.Status.SUCCEEDED
    assert not Measure.objects.exists()


# ------------------------------------------------------------------------- the command


def test_the_import_measures_command_imports_a_file(council, tmp_path):
    path = tmp_path / "library.csv"
    path.write_text(GOOD)
    out = io.StringIO()
    call_command("import_measures", "--council", council.slug, str(path), stdout=out)
    assert "Measures: 3 added, 0 changed. Proxy values: 2 added, 0 changed." in out.getvalue()


def test_the_import_measures_command_lists_problems_and_fails(council, tmp_path):
    path = tmp_path / "library.csv"
    path.write_text(GOOD.replace("283.13", "lots"))
    with pytest.raises(CommandError) as exc:
        call_command("import_measures", "--council", council.slug, str(path))
    assert 'Row 3, column proxy_value: enter a number, like 12.50, not "lots"' in str(exc.value)
    assert not Measure.objects.exists()
    with pytest.raises(CommandError, match="No council"):
        call_command("import_measures", "--council", "atlantis", str(path))
