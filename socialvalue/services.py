"""Writes that span several models: loading a council's policy from a reviewed data file."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Council, Indicator, Outcome, Policy, Theme

SEED_DIR = Path(__file__).resolve().parent / "seed_data" / "policies"

COUNCIL_SETTINGS = {
    "min_social_value_weighting": Decimal,
    "social_value_mandatory_above": Decimal,
    "leadership_approval_above": Decimal,
    "cabinet_approval_above": Decimal,
    "sme_spend_target": Decimal,
    "financial_year_start_month": int,
}


@dataclass
class PolicyLoadResult:
    council: Council
    policy: Policy
    created: bool
    themes: int
    outcomes: int
    indicators: int


def read_policy_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or "council" not in data or "policy" not in data:
        raise ValidationError(f"{path.name}: expected 'council' and 'policy' sections.")
    return data


@transaction.atomic
def policy_load(*, data: dict, replace: bool = False) -> PolicyLoadResult:
    """Create or update a council and load its policy framework from a seed data dict.

    Idempotent: a policy version (same council and effective date) that is already loaded is
    left as it is, so edits made in the application survive a second run, unless
    ``replace`` is given, which rebuilds its themes, outcomes and indicators from the file.
    """
    c = data["council"]
    unknown = set(c.get("settings") or {}) - set(COUNCIL_SETTINGS)
    if unknown:
        raise ValidationError(f"{c['slug']}: unknown settings {', '.join(sorted(unknown))}.")
    council, _ = Council.objects.get_or_create(
        slug=c["slug"], defaults={"name": c["name"], "short_name": c.get("short_name") or c["name"]}
    )
    council.name = c["name"]
    council.short_name = c.get("short_name") or c["name"]
    council.local_postcode_areas = ", ".join(c.get("local_postcode_areas") or [])
    for key, value in (c.get("settings") or {}).items():
        setattr(council, key, COUNCIL_SETTINGS[key](str(value)))
    council.setting_sources = c.get("settings_sources") or {}
    council.full_clean()
    council.save()

    p = data["policy"]
    policy, created = Policy.objects.get_or_create(
        council=council,
        effective_date=p.get("effective_date"),
        defaults={"title": p["title"], "source": p.get("source") or ""},
    )
    if created or replace:
        policy.title = p["title"]
        policy.source = p.get("source") or ""
        policy.full_clean()
        policy.save()
        policy.themes.all().delete()
        for t_pos, t in enumerate(p.get("themes") or [], start=1):
            theme = Theme(policy=policy, name=t["name"], description=t.get("description") or "", position=t_pos)
            theme.full_clean()
            theme.save()
            for o_pos, o in enumerate(t.get("outcomes") or [], start=1):
                outcome = Outcome(theme=theme, name=o["name"], description=o.get("description") or "", position=o_pos)
                outcome.full_clean()
                outcome.save()
                indicators = [
                    Indicator(outcome=outcome, text=text, position=i_pos)
                    for i_pos, text in enumerate(o.get("indicators") or [], start=1)
                ]
                for indicator in indicators:
                    indicator.full_clean()
                    indicator.save()
    themes = Theme.objects.filter(policy=policy)
    return PolicyLoadResult(
        council=council,
        policy=policy,
        created=created,
        themes=themes.count(),
        outcomes=Outcome.objects.filter(theme__policy=policy).count(),
        indicators=Indicator.objects.filter(outcome__theme__policy=policy).count(),
    )
