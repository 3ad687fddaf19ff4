"""List pages run a fixed number of queries however long they are (DESIGN.md, STYLE.md 10)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suppliers.tests.factories import (
    CampaignFactory,
    CampaignRecipientFactory,
    CampaignResponseFactory,
    SupplierCouncilFactory,
)

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _suppliers(council, n):
    for i in range(n):
        SupplierCouncilFactory(council=council, supplier__name=f"Listed {i:02d}")


def _campaign_with_answers(council, n):
    campaign = CampaignFactory(council=council)
    for i in range(n):
        recipient = CampaignRecipientFactory(campaign=campaign, supplier__name=f"Recipient {i:02d}")
        if i % 2 == 0:
            CampaignResponseFactory(campaign=campaign, supplier=recipient.supplier)
    return campaign


@pytest.mark.parametrize("size", [3, 30])
def test_the_supplier_list_runs_a_fixed_number_of_queries(client, officer, council, size, django_assert_num_queries):
    _suppliers(council, size)
    client.force_login(officer)
    url = reverse("supplier_list", kwargs={"council": council.slug})
    client.get(url)  # warm the session
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_campaign_page_tracking_answers_runs_a_fixed_number_of_queries(
    client, officer, council, size, django_assert_num_queries
):
    campaign = _campaign_with_answers(council, size)
    client.force_login(officer)
    url = reverse("campaign_detail", kwargs={"council": council.slug, "pk": campaign.pk})
    client.get(url)
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_response_list_runs_a_fixed_number_of_queries(
    client, diversity_viewer, council, size, django_assert_num_queries
):
    campaign = _campaign_with_answers(council, size)
    client.force_login(diversity_viewer)
    url = reverse("campaign_responses", kwargs={"council": council.slug, "pk": campaign.pk})
    client.get(url)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_supplier_home_page_does_not_grow_with_colleagues_or_questionnaires(client, supplier_user, council):
    supplier = supplier_user.supplier_memberships.get().supplier
    client.force_login(supplier_user)
    url = reverse("supplier_home")
    client.get(url)
    small = _queries(client, url)
    for _ in range(5):
        CampaignRecipientFactory(campaign=CampaignFactory(), supplier=supplier)
    assert _queries(client, url) == small
