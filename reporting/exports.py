"""A report as CSV, XLSX and PDF, each from the same frozen figures as the page."""

import csv
import io

from django.template.loader import render_to_string
from openpyxl import Workbook

from . import display


def rows(report) -> list[tuple[str, str, str, str]]:
    """(section, item, detail, value) for every figure, as the spreadsheet and CSV carry them."""
    f = report.figures
    s = f["sections"]
    out = []
    for h in display.headlines(f):
        out.append(("Headline", h["label"], h["detail"], h["value"]))
    for key in ("committed", "delivered"):
        if key not in s:
            continue
        label = key.capitalize()
        for r in s[key]["by_theme"]:
            out.append((f"{label} by theme", r["theme"], "", r["value"]))
        for r in s[key]["by_outcome"]:
            out.append((f"{label} by outcome", r["outcome"], r["theme"], r["value"]))
        for r in s[key]["by_measure"]:
            out.append((f"{label} by measure", f"{r['code']} {r['name']}", r["outcome"], r["value"]))
    for k, v in s["spend"].items():
        out.append(("Spend", k.replace("_", " "), "", str(v)))
    p = s["procurements"]
    for k in ("total", "considered", "above_mandatory", "above_compliant", "above_opted_out", "above_not_compliant"):
        out.append(("Procurements", k.replace("_", " "), "", str(p[k])))
    for o in p["opt_outs"]:
        out.append(("Opted out", f"{o['reference']} {o['title']}", o["opt_out_justification"], o["estimated_value"]))
    for key in ("kpis",):
        for r in s.get(key, {}).get("ratings", []):
            out.append(("Procurement Act ratings", r["rating"], "", str(r["count"])))
    for r in s.get("contracts", {}).get("delivering_most", []):
        out.append(("Contracts delivering most", r["reference"], r["supplier"], r["delivered"]))
    for r in s.get("contracts", {}).get("furthest_behind", []):
        out.append(("Contracts furthest behind", r["reference"], r["supplier"], r["percent_delivered"] or ""))
    d = s.get("diversity")
    if d and not d.get("open"):
        out.append(
            ("Diversity baseline", "responses", "", "fewer than 5" if d["responses"] is None else str(d["responses"]))
        )
        for section in d["sections"]:
            for row in section["rows"]:
                out.append(
                    (
                        "Diversity baseline",
                        section["title"],
                        row["label"],
                        "fewer than 5" if row["count"] is None else str(row["count"]),
                    )
                )
    return out


def to_csv(report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Section", "Item", "Detail", "Value"])
    writer.writerows(rows(report))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet.append([f"{report.council.name}: social value annual report {display.financial_year(report.year)}"])
    sheet.append(["Section", "Item", "Detail", "Value"])
    for row in rows(report):
        sheet.append(list(row))
    for column, width in zip("ABCD", (28, 50, 40, 18), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(report) -> bytes:
    """A tagged PDF (PDF/UA-1) laid out for print, with the charts and their tables."""
    from weasyprint import HTML

    html = render_to_string("reporting/report_pdf.html", display.context(report))
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
