from django import template

from socialvalue import formatting

register = template.Library()

register.filter("money", formatting.money)
register.filter("percent", formatting.percent)
register.filter("financial_year", formatting.financial_year)
register.filter("month_name", formatting.month_name)
