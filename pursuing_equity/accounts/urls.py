from django.urls import path

from pursuing_equity.accounts import views

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/mine/", views.organization_mine, name="organization_mine"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("organizations/<slug:slug>/edit/", views.organization_edit, name="organization_edit"),
    path("people/", views.people, name="people"),
    path("people/me/", views.profile, name="profile"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/roles/assign/", views.role_assign, name="role_assign"),
    path("people/roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
