"""Reading councils' published spend over £500 (Local Government Transparency Code 2015).

The Code asks for: body name, date, transaction number, net amount, supplier name, expense type
and more (service area, supplier registration numbers are common). Councils' files differ in
header spelling, date format and how they write money, so columns are found by any of a few names
(case and spacing ignored) and values are read generously but strictly: a value that cannot be
read is a problem reported as "Row N, column X: …", and a file with any problem imports nothing.

Required columns: body, date, transaction number, amount, supplier name. Optional: expense type,
service area, Companies House number, charity number.
"""

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

COLUMNS = {
    "body": ("body", "body name", "organisation name", "organisation"),
    "date": ("date", "payment date", "transaction date", "date paid"),
    "transaction_number": ("transaction number", "transaction no", "transaction id", "reference", "payment reference"),
    "amount": ("amount", "net amount", "amount (£)", "amount £", "value", "total"),
    "payee": ("supplier name", "supplier", "beneficiary", "payee", "merchant name", "vendor name"),
    "expense_type": ("expense type", "expenditure category", "expense description", "category", "purpose"),
    "service_area": ("service area", "expense area", "service", "department", "directorate", "service division"),
    "companies_house_number": ("companies house number", "company number", "company registration number"),
    "charity_number": ("charity number", "charity registration number", "registered charity number"),
}
REQUIRED = ("body", "date", "transaction_number", "amount", "payee")
LABELS = {
    "body": "Body",
    "date": "Date",
    "transaction_number": "Transaction number",
    "amount": "Amount",
    "payee": "Supplier name",
    "expense_type": "Expense type",
    "service_area": "Service area",
    "companies_house_number": "Companies House number",
    "charity_number": "Charity number",
}
DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d/%m/%y",
    "%d %B %Y",
)
LEGAL_SUFFIXES = re.compile(r"\b(LIMITED|LTD|PLC|LLP|CIC|CIO|INC|CO|COMPANY|THE|UK)\b")


def normalise_name(name: str) -> str:
    """A supplier name reduced for matching: case, punctuation, '&' and legal suffixes ignored."""
    text = name.upper().replace("&", " AND ")
    text = re.sub(r"[^A-Z0-9 ]+", " ", text)
    text = LEGAL_SUFFIXES.sub(" ", text)
    return " ".join(text.split())


def normalise_number(number: str) -> str:
    """Companies House numbers are 8 characters; files often drop the leading zeros."""
    number = re.sub(r"\s+", "", number or "").upper()
    return number.zfill(8) if number.isdigit() and len(number) < 8 else number


@dataclass(frozen=True)
class Payment:
    row: int
    body: str
    paid_on: datetime.date
    transaction_number: str
    amount: Decimal
    payee: str
    payee_key: str
    payee_number: str
    expense_type: str
    service_area: str
    occurrence: int = 1  # the nth line of the file alike in every field above

    @property
    def fingerprint(self) -> str:
        """What makes a payment the same one when a file is imported again (or months overlap)."""
        parts = [
            self.transaction_number,
            self.paid_on.isoformat(),
            str(self.amount),
            self.payee_key,
            self.expense_type.upper(),
            self.service_area.upper(),
        ]
        if self.occurrence > 1:
            parts.append(str(self.occurrence))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass
class SpendPlan:
    payments: list[Payment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _header_map(header: list[str]) -> tuple[dict[str, int], list[str]]:
    seen = {" ".join(h.strip().lower().replace("_", " ").split()): i for i, h in enumerate(header)}
    found, problems = {}, []
    for key, names in COLUMNS.items():
        for name in names:
            if name in seen:
                found[key] = seen[name]
                break
    for key in REQUIRED:
        if key not in found:
            problems.append(
                f"Column '{LABELS[key]}' is missing: the file needs {', '.join(LABELS[k] for k in REQUIRED)}"
            )
    return found, problems


def _amount(text: str) -> Decimal:
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return -value if negative else value


def _date(text: str) -> datetime.date:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def read(content: bytes, filename: str = "") -> SpendPlan:
    """Validate every row of a spend CSV; the plan carries the payments or every problem found."""
    plan = SpendPlan()
    if filename and not filename.lower().endswith(".csv"):
        plan.problems.append(f"{filename} is not a CSV file: save the spreadsheet as CSV (comma separated)")
        return plan
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            plan.problems.append("The file is not readable text: save it as CSV (UTF-8)")
            return plan
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        plan.problems.append("The file is empty")
        return plan
    columns, plan.problems = _header_map(rows[0])
    if plan.problems:
        return plan
    if len(rows) == 1:
        plan.problems.append("The file has a header row but no payments")
        return plan

    def cell(row, key):
        i = columns.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        problems = []
        for key in REQUIRED:
            if not cell(row, key):
                problems.append(f"Row {number}, column {LABELS[key]}: enter a value")
        try:
            amount = _amount(cell(row, "amount")) if cell(row, "amount") else None
        except (InvalidOperation, ValueError):
            amount = None
            problems.append(f"Row {number}, column Amount: '{cell(row, 'amount')}' is not an amount of money")
        try:
            paid_on = _date(cell(row, "date")) if cell(row, "date") else None
        except ValueError:
            paid_on = None
            problems.append(f"Row {number}, column Date: '{cell(row, 'date')}' is not a date, like 31/03/2026")
        if problems:
            plan.problems.extend(problems)
            continue
        payee = cell(row, "payee")
        plan.payments.append(
            Payment(
                row=number,
                body=cell(row, "body"),
                paid_on=paid_on,
                transaction_number=cell(row, "transaction_number"),
                amount=amount,
                payee=payee,
                payee_key=normalise_name(payee),
                payee_number=normalise_number(cell(row, "companies_house_number") or cell(row, "charity_number")),
                expense_type=cell(row, "expense_type"),
                service_area=cell(row, "service_area"),
            )
        )
    # Lines alike in every field we read are kept, each as a payment of its own: published files
    # split a transaction over lines whose other columns (cost centre, description) we don't
    # read, and the council's total must add up. Numbering them keeps a re-import idempotent.
    seen: dict[str, int] = {}
    for i, p in enumerate(plan.payments):
        seen[p.fingerprint] = seen.get(p.fingerprint, 0) + 1
        if seen[p.fingerprint] > 1:
            plan.payments[i] = replace(p, occurrence=seen[p.fingerprint])
    if plan.problems:
        plan.payments = []
    return plan
