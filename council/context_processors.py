"""What every page's layout needs: the person's councils (for the switcher) and unread count."""

from . import policy


def portal(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    # Computed only if a template reads it (the navigation does; emails do not).
    return {
        "my_councils": lambda: policy.councils_for_request(request),
        "unread_count": lambda: user.notifications.filter(read_at__isnull=True).count(),
    }
