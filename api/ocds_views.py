"""Open contracting data: a council's awarded procurements as OCDS 1.1.5 release packages.

Public, with no sign-in: councils publish this for anyone to reuse. Only awarded procurements are
published, through ``Procurement.objects.for_open_contracting()``; the commercially sensitive parts
are left out by ``procurement.ocds_publish`` itself, so nothing here decides what is shown.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET

from procurement import ocds_publish
from procurement.models import Procurement
from socialvalue.models import Council

EXTENSION = "ocds/social-value-extension/extension.json"


def _package(request, council, procurements):
    package = ocds_publish.release_package(
        procurements,
        publisher=council.name,
        uri=request.build_absolute_uri(),
        prefix=settings.OCDS_OCID_PREFIX,
        extensions=[request.build_absolute_uri(static(EXTENSION)), ocds_publish.PARTY_SCALE_EXTENSION],
        published=timezone.now(),
    )
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_GET
def council_releases(request, council):
    council = get_object_or_404(Council, slug=council)
    procurements = list(Procurement.objects.filter(council=council).for_open_contracting())
    if not procurements:
        # The package schema requires at least one release: with nothing awarded there is no package.
        raise Http404("This council has no awarded procurements to publish yet.")
    return _package(request, council, procurements)


@require_GET
def procurement_releases(request, council, pk):
    council = get_object_or_404(Council, slug=council)
    procurement = get_object_or_404(Procurement.objects.filter(council=council).for_open_contracting(), pk=pk)
    return _package(request, council, [procurement])
