"""Sealed tenders with commitments, evaluation and award (procurement issue, items 3–7)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Commitment, Contract, Stage, Tender
from procurement.tests.factories import ProcurementFactory, TenderFactory
from suppliers.models import SupplierMember

pytestmark = pytest.mark.django_db


def _supplier_of(user):
    return SupplierMember.objects.get(user=user).supplier


@pytest.fixture
def tendering(council, officer):
    return ProcurementFactory(
        council=council, lead_officer=officer, stage=Stage.TENDERING, estimated_value=Decimal("250000")
    )


def _quantities(procurement, *quantities):
    measures = procurement.calculator.ordered_measures()
    return dict(zip(measures, [Decimal(q) for q in quantities], strict=False))


def test_a_supplier_commits_social_value_valued_at_the_years_proxy_values(tendering, supplier_user):
    tender = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("240000"),
        social_value_response="Local jobs",
        quantities=_quantities(tendering, "3", "2"),
    )
    # 3 × £100 + 2 × £2,500 = £5,300 (factory proxy values for every year)
    assert sorted(Commitment.objects.filter(tender=tender).values_list("value", flat=True)) == [
        Decimal("300.00"),
        Decimal("5000.00"),
    ]
    assert Tender.objects.with_committed_value().get(pk=tender.pk).committed_value == Decimal("5300.00")


def test_a_later_change_to_the_library_never_changes_a_commitment(tendering, supplier_user):
    tender = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("240000"),
        social_value_response="x",
        quantities=_quantities(tendering, "1"),
    )
    measure = tendering.calculator.ordered_measures()[0]
    measure.proxy_values.update(value=Decimal("999"))
    assert Commitment.objects.get(tender=tender).value == Decimal("100.00")


def test_a_negative_price_is_refused(tendering, supplier_user):
    with pytest.raises(ValidationError, match="more than £0"):
        services.tender_save(
            procurement=tendering,
            supplier=_supplier_of(supplier_user),
            by=supplier_user,
            price=Decimal("-1"),
            social_value_response="x",
        )
    assert not Tender.objects.exists()


def test_a_tender_after_the_deadline_is_refused(tendering, supplier_user):
    tender = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("1000"),
        social_value_response="x",
    )
    tendering.tender_deadline = timezone.now() - datetime.timedelta(seconds=1)
    tendering.save()
    with pytest.raises(ValidationError, match="deadline for tenders has passed"):
        services.tender_submit(tender=tender, by=supplier_user)
    with pytest.raises(ValidationError, match="deadline for tenders has passed"):
        services.tender_save(
            procurement=tendering,
            supplier=_supplier_of(supplier_user),
            by=supplier_user,
            price=Decimal("900"),
            social_value_response="x",
        )
    tender.refresh_from_db()
    assert (tender.price, tender.submitted_at) == (Decimal("1000.00"), None)


def test_the_server_refuses_a_late_post_whatever_the_browser_shows(client, tendering, supplier_user):
    client.force_login(supplier_user)
    tendering.tender_deadline = timezone.now() - datetime.timedelta(minutes=1)
    tendering.save()
    response = client.post(
        reverse("tender_edit", kwargs={"pk": tendering.pk}), {"price": "1000", "social_value_response": "x"}
    )
    assert "The deadline for tenders has passed" in response.content.decode()
    assert not Tender.objects.exists()


def test_officers_see_only_a_count_before_opening(client, tendering, supplier_user, officer):
    services.tender_submit(
        tender=services.tender_save(
            procurement=tendering,
            supplier=_supplier_of(supplier_user),
            by=supplier_user,
            price=Decimal("123456.78"),
            social_value_response="Secret plan",
        ),
        by=supplier_user,
    )
    client.force_login(officer)
    page = client.get(reverse("tender_list", kwargs={"council": tendering.council.slug, "pk": tendering.pk}))
    html = page.content.decode()
    assert "1 tender submitted" in html
    assert "123,456.78" not in html and "Secret plan" not in html and "Acme" not in html
    assert not Tender.objects.visible_to(officer).exists()
    tender = Tender.objects.get()
    url = reverse(
        "tender_evaluate", kwargs={"council": tendering.council.slug, "pk": tendering.pk, "tender_pk": tender.pk}
    )
    assert client.get(url).status_code == 404


def test_a_supplier_never_sees_another_suppliers_tender(client, tendering, supplier_user, other_supplier_user):
    services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("1000"),
        social_value_response="Ours",
    )
    assert not Tender.objects.visible_to(other_supplier_user).exists()
    client.force_login(other_supplier_user)
    html = client.get(reverse("tender_edit", kwargs={"pk": tendering.pk})).content.decode()
    assert "Ours" not in html and "1000" not in html


def test_an_invited_only_procurement_is_hidden_from_suppliers_not_invited(
    client, council, officer, supplier_user, other_supplier_user
):
    procurement = ProcurementFactory(council=council, lead_officer=officer, stage=Stage.TENDERING, open_to_all=False)
    procurement.invited_suppliers.add(_supplier_of(supplier_user))
    client.force_login(other_supplier_user)
    assert client.get(reverse("opportunity_detail", kwargs={"pk": procurement.pk})).status_code == 404
    client.force_login(supplier_user)
    assert client.get(reverse("opportunity_detail", kwargs={"pk": procurement.pk})).status_code == 200


def _evaluate(procurement, officer, tenders_and_scores):
    procurement.tender_deadline = timezone.now() - datetime.timedelta(minutes=1)
    procurement.save()
    services.tenders_open(procurement=procurement, by=officer)
    procurement.refresh_from_db()
    for tender, quality, sv in tenders_and_scores:
        tender.refresh_from_db()
        for criterion, score in (("quality", quality), ("social_value_qualitative", sv)):
            services.score_record(tender=tender, evaluator=officer, criterion=criterion, score=Decimal(score))
            services.score_agree(tender=tender, criterion=criterion, score=Decimal(score), note="", by=officer)
    return procurement


def test_opening_is_recorded_and_scores_stay_hidden_from_suppliers_until_award(
    client, tendering, officer, supplier_user
):
    from procurement.models import Score

    tender = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("200000"),
        social_value_response="x",
        quantities=_quantities(tendering, "10"),
    )
    services.tender_submit(tender=tender, by=supplier_user)
    procurement = _evaluate(tendering, officer, [(tender, "70", "80")])
    assert (procurement.opened_by, procurement.stage) == (officer, Stage.EVALUATION)
    assert procurement.history.filter(opened_by=officer).exists()
    assert not Score.objects.visible_to(supplier_user).exists()
    services.contract_award(
        procurement=procurement,
        tender=tender,
        reason="Highest score",
        commercially_sensitive=False,
        by=officer,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )
    assert Score.objects.visible_to(supplier_user).count() == 2


def test_award_creates_the_contract_with_commitments_as_kpis(tendering, officer, supplier_user, other_supplier_user):
    a = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("200000"),
        social_value_response="a",
        quantities=_quantities(tendering, "10", "2"),
    )
    b = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(other_supplier_user),
        by=other_supplier_user,
        price=Decimal("250000"),
        social_value_response="b",
        quantities=_quantities(tendering, "1"),
    )
    for t, who in ((a, supplier_user), (b, other_supplier_user)):
        services.tender_submit(tender=t, by=who)
    procurement = _evaluate(tendering, officer, [(a, "70", "80"), (b, "90", "60")])
    services.contract_award(
        procurement=procurement,
        tender=a,
        reason="Highest score",
        commercially_sensitive=False,
        by=officer,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )
    contract = Contract.objects.get()
    assert (contract.supplier, contract.value) == (_supplier_of(supplier_user), Decimal("200000.00"))
    assert sorted((k.target_quantity, k.target_value) for k in contract.kpis.all()) == [
        (Decimal("2"), Decimal("5000.00")),
        (Decimal("10"), Decimal("1000.00")),
    ]
    procurement.refresh_from_db()
    assert procurement.stage == Stage.AWARDED
    with pytest.raises(ValidationError):
        services.contract_award(
            procurement=procurement,
            tender=b,
            reason="again",
            commercially_sensitive=False,
            by=officer,
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2028, 1, 1),
        )


def test_the_award_notice_hides_commercially_sensitive_commitments(client, tendering, officer, supplier_user):
    tender = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("200000"),
        social_value_response="a",
        quantities=_quantities(tendering, "10"),
    )
    services.tender_submit(tender=tender, by=supplier_user)
    procurement = _evaluate(tendering, officer, [(tender, "70", "80")])
    services.contract_award(
        procurement=procurement,
        tender=tender,
        reason="Only tender",
        commercially_sensitive=True,
        by=officer,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 1, 1),
    )
    client.force_login(officer)
    html = client.get(reverse("award_notice", kwargs={"council": tendering.council.slug, "pk": tendering.pk}))
    text = html.content.decode()
    assert "commercially sensitive and are not published" in text
    assert "£1,000.00" not in text


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_supplier_opportunity_list_runs_a_fixed_number_of_queries(
    client, council, officer, supplier_user, rows, django_assert_num_queries
):
    calculator = ProcurementFactory(council=council, lead_officer=officer).calculator
    procurements = ProcurementFactory.create_batch(
        rows, council=council, lead_officer=officer, stage=Stage.TENDERING, calculator=calculator
    )
    supplier = _supplier_of(supplier_user)
    for p in procurements[::2]:
        TenderFactory(procurement=p, supplier=supplier)
    client.force_login(supplier_user)
    # savepoint, session, user, supplier, procurements, own tenders (prefetch), navigation: councils,
    # supplier membership, release
    with django_assert_num_queries(9):
        response = client.get(reverse("opportunity_list"))
    assert response.content.decode().count("Draft") == (rows + 1) // 2


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_tender_ranking_runs_a_fixed_number_of_queries(client, council, officer, rows, django_assert_num_queries):
    procurement = ProcurementFactory(
        council=council,
        lead_officer=officer,
        stage=Stage.EVALUATION,
        tender_deadline=timezone.now() - datetime.timedelta(days=1),
        opened_at=timezone.now(),
        opened_by=officer,
    )
    TenderFactory.create_batch(rows, procurement=procurement, submitted_at=timezone.now())
    client.force_login(officer)
    with django_assert_num_queries(13):
        response = client.get(reverse("tender_list", kwargs={"council": council.slug, "pk": procurement.pk}))
    assert len(response.context["ranked"]) == rows


def test_history_shows_scores_and_award_but_no_tender_before_opening(client, tendering, officer, supplier_user):
    tender = services.tender_save(
        procurement=tendering,
        supplier=_supplier_of(supplier_user),
        by=supplier_user,
        price=Decimal("200000"),
        social_value_response="a",
    )
    services.tender_submit(tender=tender, by=supplier_user)
    client.force_login(officer)
    url = reverse("procurement_history", kwargs={"council": tendering.council.slug, "pk": tendering.pk})
    assert "Tender:" not in client.get(url).content.decode()
    procurement = _evaluate(tendering, officer, [(tender, "70", "80")])
    services.contract_award(
        procurement=procurement,
        tender=tender,
        reason="Only tender",
        commercially_sensitive=False,
        by=officer,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 1, 1),
    )
    html = client.get(url).content.decode()
    for label in ("Tender:", "Score:", "Agreed score:", "Award:", "Procurement:"):
        assert label in html
