from django.conf import settings

from pursuing_equity.home.navigation import navigation_for


def site(request):
    """What every page needs: demo mode, MFA policy, and the person's navigation."""
    return {
        "PE_DEMO": settings.PE_DEMO,
        "PE_REQUIRE_MFA": settings.PE_REQUIRE_MFA,
        "nav_items": navigation_for(getattr(request, "user", None), request.path),
    }
