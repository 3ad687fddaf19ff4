from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def quantity(value) -> str:
    """A quantity as typed, without trailing zeros: 12, 2.5, 1,250."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():,f}"
