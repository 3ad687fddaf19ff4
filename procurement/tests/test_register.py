"""The procurement register and setting a procurement up, through the pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Procurement, Stage
from procurement.tests.factories import ProcurementFactory

pytestmark = pytest.mark.django_db


def _url(name, council, **kw):
    return reverse(name, kwargs={"council": council.slug, **kw})


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_register_runs_a_fixed_number_of_queries(client, council, officer, rows, django_assert_num_queries):
    ProcurementFactory.create_batch(rows, council=council, lead_officer=officer)
    client.force_login(officer)
    # savepoint, session, user, council, officers (filter), officers (panel), count, page, roles,
    # supplier membership (navigation), release: the same at any size
    with django_assert_num_queries(11):
        response = client.get(_url("procurement_list", council), {"stage": ["planning"]})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == rows
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_the_register_filters_by_value_band_and_category(client, council, officer):
    ProcurementFactory(council=council, lead_officer=officer, reference="SMALL", estimated_value=Decimal("90000"))
    ProcurementFactory(council=council, lead_officer=officer, reference="MID", estimated_value=Decimal("100000.01"))
    ProcurementFactory(
        council=council, lead_officer=officer, reference="WORKS", category="works", estimated_value=Decimal("2000000")
    )
    client.force_login(officer)
    page = client.get(_url("procurement_list", council), {"value_band": ["100k_350k"]}).context["page"]
    assert [p.reference for p in page.object_list] == ["MID"]
    page = client.get(_url("procurement_list", council), {"category": ["works"]}).context["page"]
    assert [p.reference for p in page.object_list] == ["WORKS"]


def test_another_councils_procurements_never_appear(client, council, officer, other_council):
    ProcurementFactory(council=other_council, reference="THEIRS")
    client.force_login(officer)
    assert client.get(_url("procurement_list", council)).context["page"].paginator.count == 0


def _details(officer, **overrides):
    deadline = (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "reference": "SV-1",
        "title": "Community transport",
        "description": "",
        "category": "services",
        "estimated_value": "250000",
        "procedure": "open",
        "lead_officer": officer.pk,
        "tender_deadline": deadline,
    }
    data.update(overrides)
    return data


def test_an_officer_starts_a_procurement(client, council, officer):
    client.force_login(officer)
    response = client.post(_url("procurement_create", council), _details(officer))
    procurement = Procurement.objects.get(reference="SV-1")
    assert response["Location"] == _url("procurement_plan", council, pk=procurement.pk)
    assert procurement.approval_route == "leadership_team"


def test_bad_details_show_errors_and_store_nothing(client, council, officer):
    client.force_login(officer)
    response = client.post(
        _url("procurement_create", council),
        _details(officer, estimated_value="-5", category="", tender_deadline="soon"),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"estimated_value", "category", "tender_deadline"}
    assert "There is a problem" in response.content.decode()
    assert not Procurement.objects.exists()


def _plan(**overrides):
    data = {
        "price_weight": "60",
        "quality_weight": "30",
        "social_value_quantitative_weight": "5",
        "social_value_qualitative_weight": "5",
        "opt_out_justification": "",
        "opt_out_evidence": "",
    }
    data.update(overrides)
    return data


def test_the_plan_refuses_a_weighting_below_the_councils_minimum(client, council, officer):
    procurement = ProcurementFactory(council=council, lead_officer=officer, estimated_value=Decimal("250000"))
    client.force_login(officer)
    response = client.post(
        _url("procurement_plan", council, pk=procurement.pk),
        _plan(price_weight="65", social_value_quantitative_weight="3", social_value_qualitative_weight="2"),
    )
    assert "social value must be at least 10% of the evaluation" in response.content.decode()
    procurement.refresh_from_db()
    assert procurement.price_weight == Decimal("60")


def test_opting_out_with_a_justification_is_flagged_in_the_register(client, council, officer):
    procurement = ProcurementFactory(council=council, lead_officer=officer)
    client.force_login(officer)
    client.post(
        _url("procurement_plan", council, pk=procurement.pk),
        _plan(
            price_weight="70",
            social_value_quantitative_weight="0",
            social_value_qualitative_weight="0",
            opted_out="on",
            opt_out_justification="Specialist single supplier",
            opt_out_evidence="Market engagement: no scope for social value",
        ),
    )
    procurement.refresh_from_db()
    assert procurement.opted_out
    html = client.get(_url("procurement_list", council)).content.decode()
    assert "Opted out of social value" in html


def test_publishing_needs_the_approval_recorded(client, council, officer):
    procurement = ProcurementFactory(council=council, lead_officer=officer, estimated_value=Decimal("400000"))
    client.force_login(officer)
    client.post(_url("procurement_action", council, pk=procurement.pk, action="publish"))
    procurement.refresh_from_db()
    assert procurement.stage == Stage.PLANNING
    client.post(
        _url("procurement_approval", council, pk=procurement.pk),
        {"approval_reference": "Cabinet, 12 March 2026, minute 45", "confirm": "on"},
    )
    procurement.refresh_from_db()
    assert (procurement.approved_by, procurement.approval_route_label) == (officer, "Cabinet")
    client.post(_url("procurement_action", council, pk=procurement.pk, action="publish"))
    procurement.refresh_from_db()
    assert procurement.stage == Stage.TENDERING


def test_tenders_cannot_be_opened_before_the_deadline(client, council, officer):
    procurement = ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING)
    client.force_login(officer)
    response = client.post(_url("procurement_action", council, pk=procurement.pk, action="open"), follow=True)
    assert "Tenders are sealed until the deadline has passed" in response.content.decode()
    procurement.refresh_from_db()
    assert procurement.opened_at is None
