"""Read OCDS 1.1 release packages (as published by Contracts Finder) into awarded-contract records.

A pure module: standard library only, no Django, no database. :func:`read_package` and
:func:`read_files` return an :class:`ImportReport` in which **every release of every package ends
up in exactly one of** ``imported`` (an :class:`ImportedContract`) or ``skipped`` (a
:class:`Skipped` with a reason a person can act on). Bad data never raises: a file that is not
JSON, or JSON that is not a release package, becomes a ``Skipped`` entry naming the file.

Which releases count as an awarded contract
-------------------------------------------
Contracts Finder tags its award notices ``["tender"]`` (all 100 samples do, although each carries
an active award), so the release tag alone cannot be trusted. A release is treated as an award if
it has any of:

- an award whose ``status`` is ``active`` or ``pending`` (or is missing/empty);
- a contract whose ``status`` is not ``cancelled``;
- a party with the ``supplier`` role;
- a tag of ``award``, ``awardUpdate``, ``contract``, ``contractUpdate``, ``contractAmendment``,
  ``implementation``, ``implementationUpdate`` or ``contractTermination``.

If its only awards are ``cancelled``/``unsuccessful`` (and it has no live contract) it is skipped
as a cancelled award; otherwise, without any of the above, it is skipped as "Not an award or
contract release (tags: ...)".

What makes an award release unusable (checked in this order; the first failure is the reason)
-----------------------------------------------------------------------------------------------
1. no ``ocid``;
2. no awarded supplier with a name (see Suppliers);
3. no buyer name (``buyer.name``, else the name of the party ``buyer.id`` points to, else the first
   party with the ``buyer`` role);
4. no title;
5. no positive value in GBP (see Value).

Suppliers
---------
All suppliers of all live awards (active/pending/no status) are kept on the one contract record,
in the order they are listed, de-duplicated by party id (so a framework with 73 suppliers is one
record with 73 suppliers). Each award's supplier reference is resolved to its entry in
``parties`` by ``id``; the party's name is preferred, the reference's name is the fallback. If no
live award lists a supplier, the parties with the ``supplier`` role are used. A supplier whose name
is empty on both is dropped (it cannot be matched to anyone); a release left with none is skipped.

- ``identifier_scheme``/``identifier_id`` come from the party's ``identifier``. Companies House
  numbers (scheme ``GB-COH``) are upper-cased, spaces removed, and all-digit numbers shorter than
  8 are zero-padded to 8 (Contracts Finder drops leading zeros: ``"2805522"`` is ``"02805522"``).
- ``postcode`` is the party's ``address.postalCode``; a UK postcode is upper-cased and spaced as
  ``OUTWARD INWARD`` (``"e181an"`` -> ``"E18 1AN"``), anything else is upper-cased with its
  whitespace collapsed. When ``postalCode`` is empty (it is for every supplier in the samples) the
  postcode is taken from the **end** of ``address.streetAddress`` if that ends with a UK postcode,
  optionally followed by a UK country name (``UK``, ``GB``, ``United Kingdom``, ``England``...),
  e.g. ``"107 GEORGE LANE, LONDON, United Kingdom, E181AN"`` or ``"...\\nCB1 1JX\\nUnited Kingdom"``.
  A postcode in the middle of the address (``"..., AL3 4JT, St Albans"``), a malformed one
  (``"BD12 ORY"``) or a foreign code is not guessed at: the postcode is then ``""``.
- ``is_sme``/``is_vcse`` come from the UK publisher's ``sme``/``vco`` booleans (``"true"``/
  ``"false"`` strings accepted); anything else, or absent, is ``None`` (unknown).

Value (precedence)
------------------
The first of these sources that gives a positive total in GBP is the contract value:

1. the ``value`` of the release's contracts that are not cancelled, summed;
2. the ``value`` of its live awards, summed (several awards are usually lots);
3. the UK ``x_awardValue`` of the contract's suppliers, summed.

Within a source, amounts are read as ``Decimal(str(x))`` from numbers or strings (commas and a
leading ``£`` allowed in strings); ``null``, booleans, non-numbers, NaN/infinity are ignored;
zero and negative amounts are unusable (Contracts Finder writes ``0`` when no value is
disclosed) and add nothing. A source containing any amount in another currency, or with no
currency, is not used at all (we do not convert or guess), and the next source is tried. The
tender's ``value`` is an estimate, not an awarded value, and is never used. If no source gives a
positive GBP total the release is skipped with one of: "No contract value in GBP (given in EUR)",
"Contract value is zero or negative", "Contract value is not a number", "No contract value".
``currency`` is therefore always ``"GBP"`` on an imported record.

Dates
-----
ISO 8601 dates with or without a time and zone (``2020-02-18``, ``2020-02-18T00:00:00Z``,
``2020-02-18T10:30:00+01:00``) give the calendar date **as written**, without converting zones
(Contracts Finder writes midnight UTC). An unparseable or missing date is ``None`` and never makes a
release unusable. Start and end are chosen independently: from ``contracts[].period`` (live
contracts), else ``awards[].contractPeriod`` (live awards), else ``tender.contractPeriod``; where
several contracts/awards give one, the earliest start and latest end are taken. ``award_date`` is
the earliest live ``awards[].date``, else the earliest ``contracts[].dateSigned``.

Text
----
Titles, descriptions and names: HTML entities are unescaped with :func:`html.unescape`, repeatedly
until stable, because Contracts Finder double-escapes some (``"Ernst &amp;amp; Young"``); markup is
not stripped (there is none in the samples). Empty strings count as missing. Titles and names have
all whitespace runs collapsed to one space; descriptions keep their line breaks (normalised to
``\\n``), with each line trimmed and runs of blank lines collapsed to one. Title precedence:
``tender.title``, then a contract's, then an award's title; description likewise (award and
contract descriptions on Contracts Finder are placeholders such as "See description of related
tender").

Several releases of the same contracting process
------------------------------------------------
Within one report, a release whose ``ocid`` and ``id`` were already read is skipped as a
duplicate. When several different importable releases share an ``ocid`` only the latest (by
release ``date``; on a tie, the one read last) is imported and the others are skipped as
superseded, so the register gets one record per contracting process.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

__all__ = ["ImportReport", "ImportedContract", "ImportedSupplier", "Skipped", "read_files", "read_package"]

GBP = "GBP"
LIVE_AWARD_STATUSES = {"active", "pending", ""}
DEAD_AWARD_STATUSES = {"cancelled", "unsuccessful"}
AWARD_TAGS = {
    "award",
    "awardUpdate",
    "contract",
    "contractUpdate",
    "contractAmendment",
    "implementation",
    "implementationUpdate",
    "contractTermination",
}
UK_COUNTRY_NAMES = ("united kingdom", "great britain", "england", "scotland", "wales", "northern ireland", "uk", "gb")

# Reasons that are counted and pinned by the tests, so keep them stable.
NO_OCID = "No OCID"
NO_SUPPLIER = "No awarded supplier"
NO_BUYER = "No buyer name"
NO_TITLE = "No title"
NO_VALUE = "No contract value"
NOT_POSITIVE = "Contract value is zero or negative"
NOT_A_NUMBER = "Contract value is not a number"
DUPLICATE = "Duplicate of a release already read"
SUPERSEDED = "Superseded by a later release of the same contracting process"


@dataclass(frozen=True)
class ImportedSupplier:
    name: str
    identifier_scheme: str  # "" when absent
    identifier_id: str  # e.g. Companies House number when present, else ""
    postcode: str  # "" when absent; may come from the end of streetAddress (see module docstring)
    is_sme: bool | None  # from the party's `sme`; None when absent
    is_vcse: bool | None  # from `vco`


@dataclass(frozen=True)
class ImportedContract:
    ocid: str
    release_id: str
    buyer_name: str
    title: str
    description: str
    value: Decimal  # GBP; contracts' value, else awards' value, else suppliers' x_awardValue
    currency: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    award_date: datetime.date | None
    suppliers: tuple[ImportedSupplier, ...]


@dataclass(frozen=True)
class Skipped:
    ocid: str  # "" if unknown
    release_id: str
    reason: str


@dataclass
class ImportReport:
    source: str  # file name(s)
    imported: list[ImportedContract] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def reason_counts(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)

    def summary(self) -> str:
        """E.g. "samples.json: 100 read, 84 imported, 16 skipped (12 No contract value; 4 No title)"."""
        total = len(self.imported) + len(self.skipped)
        text = f"{self.source or 'OCDS data'}: {total} read, {len(self.imported)} imported, {len(self.skipped)} skipped"
        counts = self.reason_counts()
        if counts:
            text += " (" + "; ".join(f"{n} {reason}" for reason, n in counts.most_common()) + ")"
        return text


# ---------------------------------------------------------------------------------------------
# Public entry points


def read_package(data: dict | str | bytes, *, source: str = "") -> ImportReport:
    """Map every release of one release package (a dict, or its JSON text as str/bytes).

    A ``str`` is JSON text, not a path; use :func:`read_files` for files.
    """
    collector = _Collector()
    collector.add_package(data, source=source)
    return collector.report(source)


def read_files(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> ImportReport:
    """Read many release package files into one report; a directory means its ``*.json`` files.

    A file that cannot be read, is not JSON or is not a release package gives a ``Skipped`` entry
    whose reason names the file and the problem.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    collector = _Collector()
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            collector.skip("", "", f"{path.name} could not be read ({exc.strerror or exc})")
            continue
        collector.add_package(data, source=path.name)
    source = files[0].name if len(files) == 1 else f"{len(files)} files"
    return collector.report(source)


# ---------------------------------------------------------------------------------------------
# Collecting releases into a report


@dataclass
class _Candidate:
    contract: ImportedContract
    date: str
    order: int


class _Collector:
    def __init__(self) -> None:
        self.imported: list[_Candidate] = []
        self.skipped: list[Skipped] = []
        self.seen: set[tuple[str, str]] = set()
        self.order = 0

    def skip(self, ocid: str, release_id: str, reason: str) -> None:
        self.skipped.append(Skipped(ocid, release_id, reason))

    def add_package(self, data: object, *, source: str) -> None:
        name = source or "The data"
        package = _load_json(data, name)
        if isinstance(package, Skipped):
            self.skipped.append(package)
            return
        if not isinstance(package, dict):
            self.skip("", "", f"{name} is not a release package (it is a JSON {_json_type(package)}, not an object)")
            return
        releases = package.get("releases")
        if not isinstance(releases, list):
            if isinstance(package.get("records"), list):
                problem = "it is a record package"
            elif "ocid" in package:
                problem = "it is a single release, not a package"
            else:
                problem = "it has no 'releases' list"
            self.skip("", "", f"{name} is not a release package ({problem})")
            return
        for number, release in enumerate(releases, start=1):
            self.add_release(release, number=number, name=name)

    def add_release(self, release: object, *, number: int, name: str) -> None:
        if not isinstance(release, dict):
            self.skip("", "", f"Release {number} in {name} is not a JSON object")
            return
        ocid, release_id = _text(release.get("ocid")), _text(release.get("id"))
        if ocid and release_id:
            if (ocid, release_id) in self.seen:
                self.skip(ocid, release_id, DUPLICATE)
                return
            self.seen.add((ocid, release_id))
        try:
            result = _map_release(release)
        except Exception as exc:  # a safety net so one odd release cannot lose the rest; tests pin that none occur
            result = f"Unexpected error reading this release ({type(exc).__name__}: {exc})"
        if isinstance(result, str):
            self.skip(ocid, release_id, result)
        else:
            self.order += 1
            self.imported.append(_Candidate(result, _text(release.get("date")), self.order))

    def report(self, source: str) -> ImportReport:
        # One record per contracting process: the latest importable release of each ocid wins.
        latest: dict[str, _Candidate] = {}
        for candidate in self.imported:
            current = latest.get(candidate.contract.ocid)
            if current is None or _release_sort_key(candidate) >= _release_sort_key(current):
                latest[candidate.contract.ocid] = candidate
        imported, superseded = [], []
        for candidate in self.imported:
            contract = candidate.contract
            if latest[contract.ocid] is candidate:
                imported.append(contract)
            else:
                superseded.append(Skipped(contract.ocid, contract.release_id, SUPERSEDED))
        return ImportReport(source=source, imported=imported, skipped=self.skipped + superseded)


def _release_sort_key(candidate: _Candidate) -> tuple[datetime.datetime, int]:
    moment = _parse_datetime(candidate.date) or datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return moment, candidate.order


def _load_json(data: object, name: str) -> object:
    if isinstance(data, dict):
        return data
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode(json.detect_encoding(data))
        except UnicodeDecodeError as exc:
            return Skipped("", "", f"{name} is not valid JSON (it is not readable text: {exc.reason})")
    if not isinstance(data, str):
        raise TypeError(f"read_package() takes a dict, str or bytes, not {type(data).__name__}")
    try:
        return json.loads(data.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        return Skipped("", "", f"{name} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
    except RecursionError:
        return Skipped("", "", f"{name} is not valid JSON (nested too deeply)")


def _json_type(value: object) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "null")


# ---------------------------------------------------------------------------------------------
# One release


def _map_release(release: dict) -> ImportedContract | str:
    """The contract record for a release, or the reason it cannot be imported."""
    parties = [p for p in _list(release.get("parties")) if isinstance(p, dict)]
    awards = [a for a in _list(release.get("awards")) if isinstance(a, dict)]
    contracts = [c for c in _list(release.get("contracts")) if isinstance(c, dict)]
    tender = _dict(release.get("tender"))
    tags = [_text(t) for t in _list(release.get("tag"))]

    live_awards = [a for a in awards if _text(a.get("status")) in LIVE_AWARD_STATUSES]
    dead_statuses = sorted({_text(a.get("status")) for a in awards if _text(a.get("status")) in DEAD_AWARD_STATUSES})
    live_contracts = [c for c in contracts if _text(c.get("status")) != "cancelled"]
    supplier_parties = [p for p in parties if "supplier" in _roles(p)]

    if not live_awards and not live_contracts:
        if dead_statuses:
            return f"Award was {' or '.join(dead_statuses)}, so there is no contract"
        if not supplier_parties and not AWARD_TAGS.intersection(tags):
            return f"Not an award or contract release (tags: {', '.join(t for t in tags if t) or 'none'})"

    ocid = _text(release.get("ocid"))
    if not ocid:
        return NO_OCID

    suppliers_with_parties = _suppliers(live_awards, parties, supplier_parties)
    if not suppliers_with_parties:
        return NO_SUPPLIER

    buyer_name = _buyer_name(release, parties)
    if not buyer_name:
        return NO_BUYER

    title = _first(_line(x.get("title")) for x in [tender, *live_contracts, *live_awards])
    if not title:
        return NO_TITLE
    description = _first(_paragraphs(x.get("description")) for x in [tender, *live_contracts, *live_awards])

    value = _value(
        [
            [c.get("value") for c in live_contracts],
            [a.get("value") for a in live_awards],
            [party.get("x_awardValue") for _, party in suppliers_with_parties if party is not None],
        ]
    )
    if isinstance(value, str):
        return value

    periods = [
        [_dict(c.get("period")) for c in live_contracts],
        [_dict(a.get("contractPeriod")) for a in live_awards],
        [_dict(tender.get("contractPeriod"))],
    ]
    award_dates = [_parse_date(a.get("date")) for a in live_awards]
    signed_dates = [_parse_date(c.get("dateSigned")) for c in live_contracts]
    return ImportedContract(
        ocid=ocid,
        release_id=_text(release.get("id")),
        buyer_name=buyer_name,
        title=title,
        description=description,
        value=value,
        currency=GBP,
        start_date=_first_level(periods, "startDate", min),
        end_date=_first_level(periods, "endDate", max),
        award_date=_earliest(award_dates) or _earliest(signed_dates),
        suppliers=tuple(supplier for supplier, _ in suppliers_with_parties),
    )


def _suppliers(
    live_awards: list[dict], parties: list[dict], supplier_parties: list[dict]
) -> list[tuple[ImportedSupplier, dict | None]]:
    by_id = {_text(p.get("id")): p for p in parties if _text(p.get("id"))}
    references: list[tuple[dict, dict | None]] = []
    for award in live_awards:
        for ref in _list(award.get("suppliers")):
            if isinstance(ref, dict):
                references.append((ref, by_id.get(_text(ref.get("id")))))
    if not references:
        references = [(party, party) for party in supplier_parties]

    result: list[tuple[ImportedSupplier, dict | None]] = []
    seen: set[object] = set()
    for ref, party in references:
        name = _line((party or {}).get("name")) or _line(ref.get("name"))
        if not name:
            continue
        supplier = _supplier(name, party or {})
        key = ("party", id(party)) if party is not None else ("ref", supplier)
        if key in seen:
            continue
        seen.add(key)
        result.append((supplier, party))
    return result


def _supplier(name: str, party: dict) -> ImportedSupplier:
    identifier = _dict(party.get("identifier"))
    scheme = _line(identifier.get("scheme"))
    number = _line(identifier.get("id"))
    if scheme.upper() == "GB-COH":
        # Companies House numbers are 8 characters; Contracts Finder drops leading zeros.
        number = re.sub(r"\s", "", number).upper()
        if number.isdigit() and len(number) < 8:
            number = number.zfill(8)
    address = _dict(party.get("address"))
    postcode = normalise_postcode(_line(address.get("postalCode"))) or postcode_at_end(
        _text(address.get("streetAddress"))
    )
    return ImportedSupplier(
        name=name,
        identifier_scheme=scheme,
        identifier_id=number,
        postcode=postcode,
        is_sme=_flag(party.get("sme")),
        is_vcse=_flag(party.get("vco")),
    )


def _buyer_name(release: dict, parties: list[dict]) -> str:
    buyer = _dict(release.get("buyer"))
    name = _line(buyer.get("name"))
    if name:
        return name
    buyer_id = _text(buyer.get("id"))
    for party in parties:
        if buyer_id and _text(party.get("id")) == buyer_id and _line(party.get("name")):
            return _line(party.get("name"))
    return _first(_line(p.get("name")) for p in parties if "buyer" in _roles(p))


# ---------------------------------------------------------------------------------------------
# Values


def _value(levels: list[list[object]]) -> Decimal | str:
    """The first level whose amounts give a positive GBP total, or the reason none does."""
    foreign: set[str] = set()
    saw_non_positive = saw_not_a_number = False
    for values in levels:
        amounts: list[tuple[Decimal, str]] = []
        for value in values:
            value = _dict(value)
            raw = value.get("amount")
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            amount = parse_amount(raw)
            if amount is None:
                saw_not_a_number = True
                continue
            amounts.append((amount, _line(value.get("currency")).upper()))
        level_foreign = {currency or "no currency" for _, currency in amounts if currency != GBP}
        if level_foreign:
            foreign |= level_foreign
            continue
        total = sum((amount for amount, _ in amounts if amount > 0), Decimal(0))
        if total > 0:
            return total
        saw_non_positive = saw_non_positive or bool(amounts)
    if foreign:
        return f"No contract value in GBP (given in {', '.join(sorted(foreign))})"
    if saw_non_positive:
        return NOT_POSITIVE
    if saw_not_a_number:
        return NOT_A_NUMBER
    return NO_VALUE


def parse_amount(raw: object) -> Decimal | None:
    """A finite Decimal from an int, float or numeric string ("1,250.50", "£300"), else None."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        return None
    text = str(raw).strip().replace(",", "").removeprefix("£").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


# ---------------------------------------------------------------------------------------------
# Dates


def _parse_datetime(raw: object) -> datetime.datetime | None:
    text = _text(raw)
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _parse_date(raw: object) -> datetime.date | None:
    """The calendar date as written in an ISO 8601 date or date-time, or None."""
    text = _text(raw)
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:$|[T ])", text)
    if match:
        try:
            return datetime.date.fromisoformat(match.group(1))
        except ValueError:
            return None
    return None


def _earliest(dates: list[datetime.date | None]) -> datetime.date | None:
    return min((d for d in dates if d), default=None)


def _first_level(levels: list[list[dict]], key: str, pick) -> datetime.date | None:
    for periods in levels:
        dates = [d for d in (_parse_date(p.get(key)) for p in periods) if d]
        if dates:
            return pick(dates)
    return None


# ---------------------------------------------------------------------------------------------
# Postcodes

_UK_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")
_POSTCODE_AT_END = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?)[ \t-]*([0-9][A-Z]{2})$")
_TRAILING_PUNCTUATION = " \t\r\n,.;:()"


def normalise_postcode(raw: str) -> str:
    """A UK postcode as "OUTWARD INWARD" in capitals; anything else in capitals, spacing collapsed."""
    text = " ".join(raw.split()).upper()
    compact = text.replace(" ", "")
    if _UK_POSTCODE.match(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return text


def postcode_at_end(street_address: str) -> str:
    """The UK postcode that ends a street address (optionally followed by a UK country name), else ""."""
    text = _line(street_address).upper().rstrip(_TRAILING_PUNCTUATION)
    for country in UK_COUNTRY_NAMES:
        if text.endswith(country.upper()) and (len(text) == len(country) or not text[-len(country) - 1].isalnum()):
            text = text[: -len(country)].rstrip(_TRAILING_PUNCTUATION)
            break
    match = _POSTCODE_AT_END.search(text)
    return f"{match.group(1)} {match.group(2)}" if match else ""


# ---------------------------------------------------------------------------------------------
# Small readers for messy JSON


def _text(raw: object) -> str:
    """A trimmed string with HTML entities unescaped; "" for null, non-scalars and booleans."""
    if isinstance(raw, bool) or raw is None:
        return ""
    if isinstance(raw, int | float | Decimal):
        raw = str(raw)
    if not isinstance(raw, str):
        return ""
    for _ in range(3):  # Contracts Finder double-escapes some text: "&amp;amp;"
        unescaped = html.unescape(raw)
        if unescaped == raw:
            break
        raw = unescaped
    return raw.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").strip()


def _line(raw: object) -> str:
    return " ".join(_text(raw).split())


def _paragraphs(raw: object) -> str:
    lines = [" ".join(line.split()) for line in _text(raw).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _flag(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
        return raw.strip().lower() == "true"
    return None


def _roles(party: dict) -> list[str]:
    return [_text(r) for r in _list(party.get("roles"))]


def _first(values: Iterable[str]) -> str:
    return next((v for v in values if v), "")


def _list(raw: object) -> list:
    return raw if isinstance(raw, list) else []


def _dict(raw: object) -> dict:
    return raw if isinstance(raw, dict) else {}
