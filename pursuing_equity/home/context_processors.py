from django.conf import settings

from pursuing_equity.community.selectors import unread_count
from pursuing_equity.home.navigation import menu_html, navigation_for


def site(request):
    """What every page needs: demo mode, MFA policy, the person's navigation and unread
    notifications (counted only when the page shows them)."""
    user = getattr(request, "user", None)
    nav_items = navigation_for(user, request.path)
    return {
        # A callable: the template calls it, so pages that do not show it count nothing.
        "unread_notifications": lambda: unread_count(user),
        "PE_DEMO": settings.PE_DEMO,
        "PE_REQUIRE_MFA": settings.PE_REQUIRE_MFA,
        "nav_items": nav_items,
        "nav_html": menu_html(nav_items),
    }
