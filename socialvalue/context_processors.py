from django.conf import settings


def service(request):
    """The service name and the navigation for the signed-in user's roles."""
    from .navigation import navigation_for

    return {
        "service_name": settings.SERVICE_NAME,
        "navigation": navigation_for(request),
    }
