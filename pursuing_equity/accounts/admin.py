"""Admin for superusers. Everyday changes go through the staff pages, which are audited.

Roles and admin powers are read-only here: a role is given or taken only by
``accounts.services.role_assign`` / ``role_revoke`` (the People pages), which check who may do it
and record the change in the audit log; the admin would do neither.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from pursuing_equity.accounts.models import Organization, RoleAssignment, User


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RoleAssignmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "organization", "created_at"]
    readonly_fields = fields


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "role_assignments__role"]
    search_fields = ["email", "full_name", "preferred_name"]
    inlines = [RoleAssignmentInline]
    readonly_fields = ["is_staff", "is_superuser", "groups", "user_permissions", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("full_name", "preferred_name", "pronouns", "title")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_type", "state", "census_region", "size"]
    list_filter = ["org_type", "census_region", "size"]
    search_fields = ["name", "city"]
    readonly_fields = ["census_region", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "organization", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
