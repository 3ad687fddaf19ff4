"""Publish a council's awarded procurements as an OCDS 1.1.5 release package.

Builds plain dicts from model instances already loaded by
``Procurement.objects.for_open_contracting()`` (no queries of its own), so the same function
serves the council-wide and the per-procurement file and is easy to test against the official
schema. The mapping, in short (docs/decisions/0007-api-and-ocds.md has the reasons):

- **ocid** ``<OCDS_OCID_PREFIX>-<procurement id>``; release id ``<ocid>-award``: both from database
  ids, so they never change when a title or reference is edited.
- **parties**: the council (``buyer``, ``procuringEntity``) and the winning supplier (``supplier``,
  ``tenderer``) with ``details.scale`` from the partyScale extension's closed codelist
  (``micro``/``sme``/``large``), only when the supplier's size is known.
- **tender**: status ``complete``, estimated value, ``procurementMethod`` mapped from our procedure,
  ``mainProcurementCategory``, deadline and the number of tenders submitted.
- **awards** (status ``active``) and **contracts** (with period and status).
- **socialValue** on the tender (weighting and policy outcomes) and on the award (the winner's
  commitments), described by our extension shipped at ``static/ocds/social-value-extension/``.
  NELC Social Value Policy, Delivery and Reporting 4: commitments are published at award subject
  to commercial sensitivity, so a sensitive award publishes ``{"commitmentsPublished": false}``
  and nothing else about them.

Amounts are JSON numbers, as OCDS requires: ``float(Decimal)`` is exact for money here (at most
14 significant digits, which a double holds and prints back unchanged).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist

from .models import ContractStatus, Procedure

OCDS_VERSION = "1.1"
CURRENCY = "GBP"
# UK councils publish open data under the Open Government Licence.
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PARTY_SCALE_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/"
    "master/extension.json"
)
LONDON = ZoneInfo("Europe/London")

# Our procedures onto the OCDS method codelist (open, selective, limited, direct).
PROCUREMENT_METHOD = {
    Procedure.OPEN: "open",
    # Suppliers must pass a participation stage before tendering.
    Procedure.COMPETITIVE_FLEXIBLE: "selective",
    # Only the framework's members, already qualified, may take part.
    Procedure.FRAMEWORK: "selective",
    # Quotations from a few suppliers the council chooses.
    Procedure.BELOW_THRESHOLD: "limited",
    Procedure.DIRECT_AWARD: "direct",
}

# OCDS contractStatus has no "completed": a contract no longer in force is "terminated",
# whether it ran its course or ended early (codelist description).
CONTRACT_STATUS = {
    ContractStatus.ACTIVE: "active",
    ContractStatus.COMPLETED: "terminated",
    ContractStatus.TERMINATED: "terminated",
}

# The Coventry SME classification (micro, small, medium, large; Coventry 2022 note 3.2.3) onto the
# partyScale extension's closed codelist, which has one code for small and medium enterprises.
SCALE = {"micro": "micro", "small": "sme", "medium": "sme", "large": "large"}


def supplier_size(supplier) -> str | None:
    """The supplier's size class (micro/small/medium/large) if the supplier record knows it.

    The supplier questionnaire work classifies suppliers (Coventry note 3.2.3). This reads what
    the record offers, in order: a stored ``size_class``; else ``size`` — a code, a choice, a
    method, or a result object carrying the code as ``.size``. It states nothing when none is
    there or the value is not one of the four classes, rather than guessing.
    """
    size = getattr(supplier, "size_class", None) or getattr(supplier, "size", None)
    if callable(size):
        size = size()
    size = getattr(size, "size", size)  # a classification result: SizeResult(size=..., reason=...)
    size = getattr(size, "value", size)  # a TextChoices member
    size = str(size).strip().lower() if size else ""
    return size if size in SCALE else None


def supplier_scale(supplier) -> str | None:
    """The OCDS ``details.scale`` code for a supplier, or None when its size is not known."""
    size = supplier_size(supplier)
    return SCALE[size] if size else None


def ocid(procurement, prefix: str) -> str:
    return f"{prefix}-{procurement.pk}"


def _money(amount) -> dict | None:
    if amount is None:
        return None
    return {"amount": _number(amount), "currency": CURRENCY}


def _number(value: Decimal):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _datetime(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _day_start(day: datetime.date) -> str:
    return _datetime(datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON))


def _day_end(day: datetime.date) -> str:
    return _datetime(datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=LONDON))


def _party_id(prefix: str, kind: str, pk: int) -> str:
    return f"{prefix}-{kind}-{pk}"


def _financial_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _award_social_value(award) -> dict:
    if award.commitments_commercially_sensitive:
        return {"commitmentsPublished": False}
    commitments = list(award.tender.commitments.all())
    return {
        "commitmentsPublished": True,
        "totalValue": _money(sum((c.value for c in commitments), Decimal("0"))),
        "commitments": [
            {
                "id": str(c.pk),
                "measure": {"id": c.measure.code, "name": c.measure.name, "unit": c.measure.unit},
                "quantity": _number(c.quantity),
                "financialYear": _financial_year(c.year),
                "proxyValue": _money(c.proxy_value),
                "value": _money(c.value),
            }
            for c in commitments
        ],
    }


def _tender_social_value(procurement) -> dict:
    weights = procurement.weights
    return {
        "optedOut": procurement.opted_out,
        "weighting": {
            "quantitative": _number(weights.social_value_quantitative),
            "qualitative": _number(weights.social_value_qualitative),
            "total": _number(weights.social_value),
        },
        "outcomes": [
            {"id": str(o.pk), "name": o.name, "theme": o.theme.name}
            for o in sorted(procurement.outcomes.all(), key=lambda o: (o.theme.position, o.position, o.pk))
        ],
    }


def release(procurement, *, prefix: str) -> dict:
    """One OCDS release for an awarded procurement (loaded with ``for_open_contracting()``)."""
    council = procurement.council
    award = procurement.award
    supplier = award.tender.supplier
    the_ocid = ocid(procurement, prefix)
    buyer = {"id": _party_id(prefix, "council", council.pk), "name": council.name}
    supplier_ref = {"id": _party_id(prefix, "supplier", supplier.pk), "name": supplier.name}
    supplier_party = {**supplier_ref, "roles": ["supplier", "tenderer"]}
    scale = supplier_scale(supplier)
    if scale:
        supplier_party["details"] = {"scale": scale}

    tender = {
        "id": the_ocid,
        "title": procurement.title,
        "status": "complete",
        "value": _money(procurement.estimated_value),
        "procurementMethod": PROCUREMENT_METHOD[procurement.procedure],
        "procurementMethodDetails": procurement.get_procedure_display(),
        "mainProcurementCategory": procurement.category,
        "numberOfTenderers": procurement.tenderers,
        "socialValue": _tender_social_value(procurement),
    }
    if procurement.description:
        tender["description"] = procurement.description
    if procurement.tender_deadline:
        tender["tenderPeriod"] = {"endDate": _datetime(procurement.tender_deadline)}

    award_id = str(award.pk)
    data = {
        "ocid": the_ocid,
        "id": f"{the_ocid}-award",
        "date": _datetime(award.awarded_at),
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": [{**buyer, "roles": ["buyer", "procuringEntity"]}, supplier_party],
        "buyer": buyer,
        "tender": tender,
        "awards": [
            {
                "id": award_id,
                "title": procurement.title,
                "status": "active",
                "date": _datetime(award.awarded_at),
                "suppliers": [supplier_ref],
                "socialValue": _award_social_value(award),
            }
        ],
    }
    if award.tender.price is not None:  # always set on a submitted tender; never publish a null Value
        data["awards"][0]["value"] = _money(award.tender.price)
    try:
        contract = award.contract
    except ObjectDoesNotExist:
        contract = None
    if contract is not None:
        data["tag"] = ["award", "contract"]
        data["contracts"] = [
            {
                "id": str(contract.pk),
                "awardID": award_id,
                "title": contract.title,
                "status": CONTRACT_STATUS[contract.status],
                "value": _money(contract.value),
                "period": {"startDate": _day_start(contract.start_date), "endDate": _day_end(contract.end_date)},
            }
        ]
    return data


def release_package(
    procurements, *, publisher: str, uri: str, prefix: str, extensions: list[str], published: datetime.datetime
) -> dict:
    """A release package of one release per awarded procurement, oldest award first."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": extensions,
        "publishedDate": _datetime(published),
        "publisher": {"name": publisher},
        "license": LICENSE,
        "releases": [release(p, prefix=prefix) for p in procurements],
    }
