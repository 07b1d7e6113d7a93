"""The audit log and the outbox are records: readable in the admin, never editable."""

from django.contrib import admin

from pursuing_equity.core.models import AuditEntry, CapturedEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "note"]
    date_hierarchy = "at"


@admin.register(CapturedEmail)
class CapturedEmailAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "subject", "to"]
    search_fields = ["subject", "to", "body"]
    date_hierarchy = "sent_at"
