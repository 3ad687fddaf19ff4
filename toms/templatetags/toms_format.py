from decimal import Decimal

from django import template

from socialvalue.formatting import money

register = template.Library()


@register.filter
def quantity(value) -> str:
    """A quantity as typed, without trailing zeros: 12, 2.5, 1,250."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():,f}"


@register.filter
def proxy_money(value) -> str:
    """A proxy value: £283.13 style, or to four places when it has fractions of a penny (£283.125)."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if value == value.quantize(Decimal("0.01")):
        return money(value)
    return f"£{value.normalize():,f}"
