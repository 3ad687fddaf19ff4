"""What the report pages, the PDF and the spreadsheet show, prepared from a report's frozen figures."""

from decimal import Decimal

from socialvalue.formatting import financial_year, money, percent

from .charts import bar_chart


def _d(value) -> Decimal:
    return Decimal(value or 0)


def change(now, before) -> str:
    now, before = _d(now), _d(before)
    if not before:
        return "No figure the year before"
    diff = (now - before) * 100 / before
    return f"{'+' if diff >= 0 else ''}{diff.quantize(Decimal('0.1'))}% on {money(before)}"


def headlines(figures: dict) -> list[dict]:
    s = figures["sections"]
    prev = figures.get("previous_year", {})
    c, sp, p = s["committed"], s["spend"], s["procurements"]
    items = [
        {
            "label": "Social value committed",
            "value": money(c["value"]),
            "detail": f"in {c['contracts']} contract{'s' if c['contracts'] != 1 else ''} awarded"
            + (f", {percent(c['percent_of_contract_value'])} of their value" if c["percent_of_contract_value"] else ""),
            "change": change(c["value"], prev.get("committed", {}).get("value")),
        },
    ]
    if "delivered" in s:
        d = s["delivered"]
        items.append(
            {
                "label": "Social value delivered",
                "value": money(d["value"]),
                "detail": "from verified supplier returns"
                + (
                    f", {percent(d['percent_of_committed'])} of what contracts committed"
                    if d.get("percent_of_committed")
                    else ""
                ),
                "change": change(d["value"], prev.get("delivered", {}).get("value")),
            }
        )
    items.append(
        {
            "label": "Spend with SMEs and VCSEs",
            "value": percent(sp["sme_or_vcse_percent"]) or "No spend data",
            "detail": f"{money(sp['sme_or_vcse'])} of {money(sp['total'])}; target {percent(sp['target_percent'])}"
            + (" — met" if sp["target_met"] else " — not met" if sp["sme_or_vcse_percent"] else ""),
            "change": change(sp["sme_or_vcse"], prev.get("spend", {}).get("sme_or_vcse")),
        }
    )
    items.append(
        {
            "label": "Procurements considering social value",
            "value": f"{p['considered']} of {p['total']}",
            "detail": f"{p['above_compliant']} of {p['above_mandatory']} over {money(p['mandatory_above'])} "
            f"weighted at least {percent(p['minimum_weighting'])}; {p['above_opted_out']} opted out",
            "change": "",
        }
    )
    return items


def charts(figures: dict) -> list[dict]:
    """Each chart with the rows of its data table."""
    s = figures["sections"]
    out = []
    by_theme = [(r["theme"], _d(r["value"])) for r in s["committed"]["by_theme"]]
    out.append(
        {
            "id": "committed-by-theme",
            "title": "Social value committed by theme",
            "svg": bar_chart("committed-by-theme", "Social value committed by theme", by_theme),
            "headers": ("Theme", "Committed"),
            "rows": [(t, money(v)) for t, v in by_theme],
        }
    )
    if "delivered" in s:
        by_theme_d = [(r["theme"], _d(r["value"])) for r in s["delivered"]["by_theme"]]
        out.append(
            {
                "id": "delivered-by-theme",
                "title": "Social value delivered by theme",
                "svg": bar_chart("delivered-by-theme", "Social value delivered by theme", by_theme_d),
                "headers": ("Theme", "Delivered"),
                "rows": [(t, money(v)) for t, v in by_theme_d],
            }
        )
    sp = s["spend"]
    spend_rows = [
        ("SMEs", _d(sp["sme"])),
        ("VCSEs", _d(sp["vcse"])),
        ("SMEs or VCSEs", _d(sp["sme_or_vcse"])),
        ("Local suppliers", _d(sp["local"])),
        ("All spend", _d(sp["total"])),
    ]
    out.append(
        {
            "id": "spend",
            "title": "Spend by kind of supplier",
            "svg": bar_chart("spend", "Spend by kind of supplier", spend_rows),
            "headers": ("Suppliers", "Spend"),
            "rows": [(k, money(v)) for k, v in spend_rows],
        }
    )
    return out


def theme_detail(figures: dict, theme: str) -> dict:
    s = figures["sections"]
    result = {"theme": theme, "sections": []}
    for key, label in (("committed", "Committed"), ("delivered", "Delivered")):
        if key not in s:
            continue
        result["sections"].append(
            {
                "label": label,
                "outcomes": [r for r in s[key]["by_outcome"] if r["theme"] == theme],
                "measures": [r for r in s[key]["by_measure"] if r["theme"] == theme],
            }
        )
    return result


def themes(figures: dict) -> list[str]:
    s = figures["sections"]
    names = [r["theme"] for r in s["committed"]["by_theme"]]
    for r in s.get("delivered", {}).get("by_theme", []):
        if r["theme"] not in names:
            names.append(r["theme"])
    return names


def context(report) -> dict:
    f = report.figures
    return {
        "report": report,
        "figures": f,
        "sections": f["sections"],
        "headlines": headlines(f),
        "charts": charts(f),
        "themes": themes(f),
        "year_label": financial_year(report.year),
    }
