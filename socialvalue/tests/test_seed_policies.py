"""seed_policies loads the four seed councils from the reviewed data files, idempotently."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from socialvalue.models import Council, Indicator, Outcome, Theme

pytestmark = pytest.mark.django_db


def _framework(slug):
    council = Council.objects.get(slug=slug)
    policy = council.current_policy
    return (
        council,
        policy,
        [
            (t.name, [(o.name, [i.text for i in o.indicators.all()]) for o in t.outcomes.all()])
            for t in policy.themes.all()
        ],
    )


def test_the_four_seed_councils_are_loaded():
    call_command("seed_policies")
    assert set(Council.objects.values_list("slug", flat=True)) == {
        "coventry",
        "north-east-lincolnshire",
        "southend",
        "warwickshire",
    }


def test_coventry_has_every_outcome_and_indicator_of_appendix_1():
    """Coventry scrutiny note, 9 Nov 2022, Appendix 1: three themes, 15 outcomes, 57 indicators."""
    call_command("seed_policies")
    _council, policy, themes = _framework("coventry")
    assert [name for name, _ in themes] == ["Economic", "Social", "Environmental"]
    assert [len(outcomes) for _, outcomes in themes] == [5, 6, 4]
    assert sum(len(ind) for _, outcomes in themes for _, ind in outcomes) == 57
    assert policy.effective_date.isoformat() == "2022-11-09"
    economic = dict(themes[0][1])
    assert any("apprentice" in text.lower() for texts in economic.values() for text in texts)


def test_nelc_settings_come_from_its_policy():
    """NELC Social Value Policy: 10% minimum, over £100,000 mandatory, Leadership Team over
    £100,000, Cabinet over £350,000, 25% SME/VCSE spend."""
    call_command("seed_policies")
    nelc = Council.objects.get(slug="north-east-lincolnshire")
    assert nelc.min_social_value_weighting == Decimal("10")
    assert nelc.social_value_mandatory_above == Decimal("100000")
    assert nelc.leadership_approval_above == Decimal("100000")
    assert nelc.cabinet_approval_above == Decimal("350000")
    assert nelc.sme_spend_target == Decimal("25")
    assert nelc.financial_year_start_month == 4
    assert "Delivery and Reporting" in nelc.setting_sources["min_social_value_weighting"]


def test_southend_and_warwickshire_follow_their_documents():
    call_command("seed_policies")
    _, _, southend = _framework("southend")
    assert [name for name, _ in southend] == ["Safe", "Clean", "Healthy", "Prosperous", "Excellent"]
    _, _, warwickshire = _framework("warwickshire")
    assert sum(len(outcomes) for _, outcomes in warwickshire) == 3


def test_running_twice_changes_nothing_and_keeps_edits():
    call_command("seed_policies")
    counts = (Theme.objects.count(), Outcome.objects.count(), Indicator.objects.count())
    theme = Theme.objects.get(policy__council__slug="coventry", name="Economic")
    theme.name = "Economy and jobs"
    theme.save()
    call_command("seed_policies")
    assert (Theme.objects.count(), Outcome.objects.count(), Indicator.objects.count()) == counts
    assert Theme.objects.filter(name="Economy and jobs").exists()


def test_replace_rebuilds_a_policy_from_its_file():
    call_command("seed_policies")
    Theme.objects.filter(policy__council__slug="coventry").first().delete()
    call_command("seed_policies", "--replace")
    _, _, themes = _framework("coventry")
    assert [name for name, _ in themes] == ["Economic", "Social", "Environmental"]


def test_demo_data_is_idempotent():
    call_command("load_demo_data", "--allow-production")  # tests run with DEBUG off
    call_command("load_demo_data", "--allow-production")
    from socialvalue.models import Membership, User

    assert User.objects.filter(email="officer@coventry.example").count() == 1
    assert Membership.objects.filter(user__email="officer@coventry.example").count() == 1


def test_demo_data_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("load_demo_data")
