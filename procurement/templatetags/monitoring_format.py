"""Quantities as people write them: 1,250 or 12.5, never 12.5000."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def quantity(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.0001"))
    text = f"{amount:,.4f}".rstrip("0").rstrip(".")
    return text
