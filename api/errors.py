"""Error bodies that always name what went wrong.

DRF already answers a field problem as ``{"field": ["message"]}``. A problem that belongs to no
field (a service's ``ValidationError("Tenders are sealed…")``, or a list of them) is keyed under
``non_field_errors`` so a client can always read errors as an object of lists. A Django
``ValidationError`` raised by a service is turned into the same 400 shape.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError) and not isinstance(response.data, dict):
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response
