"""Example bodies for the OpenAPI document (what a client sees, with realistic values)."""

COUNCIL = {
    "id": 1,
    "name": "Coventry City Council",
    "short_name": "Coventry",
    "slug": "coventry",
    "min_social_value_weighting": "10.00",
    "social_value_mandatory_above": "100000.00",
    "leadership_approval_above": "100000.00",
    "cabinet_approval_above": "350000.00",
    "sme_spend_target": "25.00",
    "financial_year_start_month": 4,
}

MEASURE = {
    "id": 12,
    "council": "coventry",
    "code": "NT1",
    "name": "Local people employed on the contract (full-time equivalent)",
    "unit": "FTE",
    "guidance": "Count people living in a CV postcode employed for at least a year.",
    "kind": "quantitative",
    "local_only": True,
    "outcomes": [3],
    "indicators": [7, 8],
    "proxy_values": [
        {"year": 2025, "value": "28000.0000", "source": "National TOMs 2025"},
        {"year": 2026, "value": "28500.0000", "source": "National TOMs 2026"},
    ],
}

PROCUREMENT = {
    "id": 41,
    "council": "coventry",
    "reference": "SV-2026-014",
    "title": "Grounds maintenance, north of the city",
    "description": "Grass cutting, hedges and litter picking in parks and verges.",
    "category": "services",
    "estimated_value": "480000.00",
    "procedure": "open",
    "stage": "awarded",
    "tender_deadline": "2026-03-02T12:00:00Z",
    "open_to_all": True,
    "calculator": 2,
    "outcomes": [3, 5],
    "weights": {
        "price": "60.00",
        "quality": "30.00",
        "social_value_quantitative": "5.00",
        "social_value_qualitative": "5.00",
    },
    "opted_out": False,
    "opt_out_justification": "",
    "award": 9,
}

COMMITMENT = {
    "measure": 12,
    "measure_code": "NT1",
    "measure_name": "Local people employed on the contract (full-time equivalent)",
    "unit": "FTE",
    "quantity": "2.0000",
    "year": 2025,
    "proxy_value": "28000.0000",
    "value": "56000.00",
}

TENDER = {
    "id": 77,
    "procurement": 41,
    "supplier": {"id": 5, "name": "Midlands Community Builders Ltd"},
    "price": "455000.00",
    "social_value_response": "We will recruit two local people and mentor a school leaver.",
    "submitted_at": "2026-02-27T16:30:00Z",
    "commitments": [COMMITMENT],
}

AWARD = {
    "id": 9,
    "procurement": 41,
    "contract": 15,
    "supplier": {"id": 5, "name": "Midlands Community Builders Ltd"},
    "value": "455000.00",
    "reason": "Highest total score: price 58.2, quality 27.0, social value 8.5.",
    "awarded_at": "2026-03-20T10:00:00Z",
    "commitments_commercially_sensitive": False,
    "committed_value": "56000.00",
    "commitments": [COMMITMENT],
}

CONTRACT = {
    "id": 15,
    "council": "coventry",
    "procurement": 41,
    "award": 9,
    "supplier": {"id": 5, "name": "Midlands Community Builders Ltd"},
    "reference": "SV-2026-014",
    "title": "Grounds maintenance, north of the city",
    "value": "455000.00",
    "start_date": "2026-04-01",
    "end_date": "2028-03-31",
    "status": "active",
    "reporting_period_months": 3,
    "source": "award",
    "ocid": "",
}

KPI = {
    "id": 31,
    "contract": 15,
    "measure": 12,
    "measure_code": "NT1",
    "name": "Local people employed on the contract (full-time equivalent)",
    "unit": "FTE",
    "target_quantity": "2.0000",
    "proxy_value": "28000.0000",
    "target_value": "56000.00",
    "position": 1,
}

RETURN_SUBMISSION = {
    "contract": 15,
    "number": 2,
    "lines": [
        {"kpi": 31, "quantity": "2", "comment": "Two apprentices from CV1 and CV6 started in August."},
        {"kpi": 32, "quantity": "0", "comment": ""},
    ],
    "submit": True,
}

RETURN = {
    "id": 58,
    "contract": 15,
    "number": 2,
    "period_start": "2026-07-01",
    "period_end": "2026-09-30",
    "status": "submitted",
    "submitted_at": "2026-10-06T09:15:00Z",
    "verified_at": None,
    "lines": [
        {
            "id": 201,
            "kpi": 31,
            "kpi_name": "Local people employed on the contract (full-time equivalent)",
            "unit": "FTE",
            "quantity": "2.0000",
            "comment": "Two apprentices from CV1 and CV6 started in August.",
            "status": "pending",
            "reason": "",
        },
        {
            "id": 202,
            "kpi": 32,
            "kpi_name": "Volunteering hours by staff",
            "unit": "hours",
            "quantity": "0.0000",
            "comment": "",
            "status": "pending",
            "reason": "",
        },
    ],
}


ANNUAL_REPORT = {
    "id": 3,
    "council": "coventry",
    "year": 2025,
    "financial_year": "2025/26",
    "version": 2,
    "status": "succeeded",
    "finished_at": "2026-05-01T06:00:04Z",
    "published_at": "2026-05-06T09:30:00Z",
    "figures": {
        "council": "Coventry City Council",
        "year": 2025,
        "sections": {
            "committed": {"contracts": 2, "value": "15000.00", "percent_of_contract_value": "3.0"},
            "delivered": {"value": "5500.00", "percent_of_committed": "27.5"},
            "spend": {"total": "11000.00", "sme_or_vcse_percent": "36.4", "target_percent": "25.00"},
        },
        "previous_year": {"committed": {"value": "5000.00"}},
    },
}
