"""Registering an organisation, verifying the email address, and invitations (JOURNEYS.md)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from socialvalue.models import User
from suppliers.models import Supplier, SupplierCouncil, SupplierInvitation, SupplierMember
from suppliers.tests.factories import SupplierMemberFactory

pytestmark = pytest.mark.django_db

ORGANISATION = {
    "name": "Spon End Joinery Ltd",
    "organisation_type": "company",
    "companies_house_number": "sc 123456",
    "charity_number": "",
    "address_line_1": "4 Spon End",
    "address_line_2": "",
    "town": "Coventry",
    "postcode": "cv1 3hq",
}
SIZE = {"headcount": "12", "turnover": "£3,000,000", "balance_sheet_total": "", "figures_year": "2026"}
ACCOUNT = {
    "full_name": "Priya Shah",
    "email": "Priya@SponEnd.example",
    "password1": "three random words here",
    "password2": "three random words here",
}


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def register(client, organisation=None, size=None, account=None):
    client.post(reverse("register_organisation"), organisation or ORGANISATION)
    client.post(reverse("register_size"), size or SIZE)
    return client.post(reverse("register_account"), account or ACCOUNT)


def test_a_new_supplier_registers_and_is_told_its_size_and_why(client, council):
    response = client.post(reverse("register_organisation"), {**ORGANISATION, "council": council.pk})
    assert response.status_code == 302 and response["Location"] == reverse("register_size")
    assert client.post(reverse("register_size"), SIZE)["Location"] == reverse("register_size_result")
    result = client.get(reverse("register_size_result"))
    assert "Your organisation is small" in result.text
    assert "12 people, which is fewer than 50, and a turnover of £3,000,000.00" in result.text

    response = client.post(reverse("register_account"), ACCOUNT)
    assert response["Location"] == reverse("register_check_email")
    supplier = Supplier.objects.get(name="Spon End Joinery Ltd")
    assert supplier.companies_house_number == "SC123456"
    assert supplier.postcode == "CV1 3HQ" and supplier.postcode_area == "CV"
    assert supplier.size_class == "small"
    user = User.objects.get(email="priya@sponend.example")
    assert not user.is_active, "the account waits for the email address to be verified"
    assert SupplierMember.objects.get(supplier=supplier, user=user).is_admin
    assert SupplierCouncil.objects.filter(supplier=supplier, council=council, relationship="registered").exists()


def test_the_account_works_only_after_following_the_emailed_link_once(client):
    register(client)
    signing_in = client.post(reverse("login"), {"username": "priya@sponend.example", "password": ACCOUNT["password1"]})
    assert signing_in.status_code == 200, "an unverified account cannot sign in"
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])

    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == reverse("supplier_home")
    assert User.objects.get(email="priya@sponend.example").is_active
    assert "Spon End Joinery Ltd" in client.get(reverse("supplier_home")).text

    client.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.text


def test_a_tampered_verification_link_is_refused(client):
    register(client)
    link = link_in(mail.outbox[0])
    response = client.get(link[:-3] + "xyz/")
    assert response.status_code == 400
    assert not User.objects.get(email="priya@sponend.example").is_active


def test_the_verification_email_can_be_sent_again_but_not_flooded(client):
    register(client)
    client.post(reverse("register_check_email"))
    client.post(reverse("register_check_email"))
    assert len(mail.outbox) == 2, "one resend a minute"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("headcount", "-3", "The number of employees cannot be negative"),
        ("headcount", "5000000", "Enter a number of employees of 2,000,000 or fewer"),
        ("headcount", "twelve", "Enter the number of employees as a whole number, like 12"),
        ("turnover", "-100", "Turnover cannot be negative"),
        ("balance_sheet_total", "-1", "The balance sheet total cannot be negative"),
        ("turnover", "lots", "Enter turnover as an amount of money, like £1,250,000"),
    ],
)
def test_impossible_figures_get_a_clear_error_and_nothing_is_kept(client, field, value, message):
    client.post(reverse("register_organisation"), ORGANISATION)
    response = client.post(reverse("register_size"), {**SIZE, field: value})
    assert response.status_code == 200
    assert message in response.text
    assert "size" not in client.session["supplier_registration"]
    assert client.get(reverse("register_account"))["Location"] == reverse("register_size")
    assert not Supplier.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"companies_house_number": "12AB"}, "Enter a Companies House number in the correct format"),
        ({"companies_house_number": ""}, "every limited company has one"),
        ({"organisation_type": "charity", "companies_house_number": "", "charity_number": "12"}, "charity number"),
        ({"postcode": "nowhere"}, "Enter a real postcode, like CV1 2AB"),
    ],
)
def test_registration_numbers_and_postcodes_are_checked(client, changes, message):
    response = client.post(reverse("register_organisation"), {**ORGANISATION, **changes})
    assert response.status_code == 200
    assert message in response.text
    assert "supplier_registration" not in client.session


def test_an_email_address_already_in_use_is_refused_and_nothing_is_stored(client, supplier_user):
    response = register(client, account={**ACCOUNT, "email": supplier_user.email})
    assert response.status_code == 200
    assert "already exists" in response.text
    assert not Supplier.objects.filter(name="Spon End Joinery Ltd").exists()
    assert not mail.outbox


def test_an_officer_invites_a_supplier_which_registers_without_a_second_email_check(client, officer, council):
    client.force_login(officer)
    client.post(
        reverse("supplier_invite", kwargs={"council": council.slug}),
        {"organisation_name": "Spon End Joinery Ltd", "email": "priya@sponend.example"},
    )
    invitation = SupplierInvitation.objects.get()
    assert invitation.council == council
    link = link_in(mail.outbox[0])
    client.logout()

    assert client.get(link)["Location"] == reverse("register_organisation")
    assert "Spon End Joinery Ltd" in client.get(reverse("register_organisation")).text
    response = register(client, organisation={k: v for k, v in ORGANISATION.items()})
    assert response["Location"] == reverse("supplier_home")
    supplier = Supplier.objects.get(name="Spon End Joinery Ltd")
    assert User.objects.get(email="priya@sponend.example").is_active
    assert SupplierCouncil.objects.filter(supplier=supplier, council=council, relationship="invited").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert len(mail.outbox) == 1, "following the invitation proved the address"

    client.force_login(officer)
    assert "Spon End Joinery Ltd" in client.get(reverse("supplier_list", kwargs={"council": council.slug})).text


def test_a_supplier_admin_invites_a_colleague_who_joins(client, supplier_user):
    supplier = supplier_user.supplier_memberships.get().supplier
    client.force_login(supplier_user)
    client.post(reverse("colleague_invite", kwargs={"supplier": supplier.pk}), {"email": "ivy@acme.example"})
    link = link_in(mail.outbox[0])
    client.logout()

    response = client.post(
        link, {"full_name": "Ivy Jones", "password1": "a long new passphrase", "password2": "a long new passphrase"}
    )
    assert response["Location"] == reverse("supplier_home")
    member = SupplierMember.objects.get(supplier=supplier, user__email="ivy@acme.example")
    assert not member.is_admin
    assert client.get(link).status_code == 400, "an invitation works once"


def test_a_member_who_is_not_a_supplier_admin_cannot_invite_or_change_details(client):
    member = SupplierMemberFactory(is_admin=False)
    client.force_login(member.user)
    assert client.get(reverse("colleague_invite", kwargs={"supplier": member.supplier_id})).status_code == 403
    assert client.get(reverse("supplier_details_edit", kwargs={"supplier": member.supplier_id})).status_code == 403


def test_a_supplier_cannot_reach_another_suppliers_pages(client, supplier_user, other_supplier_user):
    other = other_supplier_user.supplier_memberships.get().supplier
    client.force_login(supplier_user)
    assert client.get(reverse("supplier_details_edit", kwargs={"supplier": other.pk})).status_code == 404


def test_changing_details_reclassifies_the_supplier(client, supplier_user):
    supplier = supplier_user.supplier_memberships.get().supplier
    client.force_login(supplier_user)
    data = {**ORGANISATION, "name": supplier.name, "headcount": "300", "turnover": "60000000", "figures_year": "2026"}
    response = client.post(reverse("supplier_details_edit", kwargs={"supplier": supplier.pk}), data)
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.size_class == "large"
    assert supplier.history.count() >= 2, "supplier data keeps its change history"
