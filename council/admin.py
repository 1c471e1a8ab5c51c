"""The Django admin, for site administrators. The clerk's own pages are the portal's; this is a
fallback with history (simple-history's admin shows each object's changes)."""

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from .accounts import services as account_services
from .models import (
    AuditEvent,
    Committee,
    Council,
    Document,
    GroupMembership,
    Notification,
    PoliticalGroup,
    Role,
    Seat,
    User,
)


class HistoryAdmin(SimpleHistoryAdmin):
    """An object with its history. No "View on site": a portal page asks for a role in the
    council, which a site operator does not hold, so the link would lead to "Page not found"."""

    view_on_site = False


@admin.register(User)
class UserAdmin(BaseUserAdmin, HistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "name", "password1", "password2"]})]


@admin.register(Council)
class CouncilAdmin(HistoryAdmin):
    list_display = ["name", "slug", "kind", "nation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Role)
class RoleAdmin(HistoryAdmin):
    list_display = ["user", "council", "kind", "acting", "starts_on", "ends_on"]
    list_filter = ["council", "kind"]
    raw_id_fields = ["user"]


for model in (Committee, Seat, PoliticalGroup, GroupMembership):
    admin.site.register(model, HistoryAdmin)


@admin.register(Document)
class DocumentAdmin(HistoryAdmin):
    """A document's file is private, with no URL (council.models.PrivateStorage): the admin's file
    widget would ask for one, so the file is shown by name only. Uploading and replacing a file
    are the portal's pages, which check it (council/lib/uploads.py)."""

    exclude = ["file"]
    readonly_fields = ["stored_file"]

    @admin.display(description="File")
    def stored_file(self, document: Document) -> str:
        return f"{document.original_name} ({document.file.name})"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "status", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to read in the admin: nobody adds, changes or deletes one here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log, to read only (R27), chain by chain."""

    list_display = [
        "sequence",
        "chain",
        "position",
        "at",
        "kind",
        "actor_name",
        "council_name",
        "target_model",
    ]
    list_filter = ["kind"]
    search_fields = ["actor_name", "target_pk"]


# Two-factor authenticators: to read, and to reset through the service (audited, the person told),
# never to delete, change or add here (issue 20). allauth's own admin would delete one silently.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__name"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication of the selected people")
    def reset_two_factor(self, request, queryset):
        people = User.objects.filter(pk__in=queryset.values("user_id")).order_by("email")
        for person in people:
            try:
                account_services.two_factor_reset(person=person, acting_user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"Two-factor authentication reset for {person}; they were told."
                )
