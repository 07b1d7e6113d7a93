from django.urls import path

from pursuing_equity.reporting import views

urlpatterns = [
    path("updates/", views.updates_index, name="updates"),
    path("reporting/grid/", views.submission_grid, name="submission_grid"),
    path("reporting/digest/", views.update_digest, name="update_digest"),
    path("reporting/digest/<int:pk>.pdf", views.digest_download, name="digest_download"),
    path("updates/<slug:slug>/", views.team_updates, name="team_updates"),
    path("updates/<slug:slug>/progress/", views.progress, name="progress"),
    path("updates/<slug:slug>/pdsa/new/", views.pdsa_create, name="pdsa_create"),
    path("updates/<slug:slug>/pdsa/<int:pk>/", views.pdsa_detail, name="pdsa_detail"),
    path("updates/<slug:slug>/pdsa/<int:pk>/edit/", views.pdsa_edit, name="pdsa_edit"),
    path("updates/<slug:slug>/<str:period>/", views.update_detail, name="update_detail"),
    path("updates/<slug:slug>/<str:period>/edit/", views.update_edit, name="update_edit"),
    path("updates/<slug:slug>/<str:period>/charts/", views.update_charts, name="update_charts"),
    path(
        "updates/<slug:slug>/<str:period>/reflection/",
        views.reflection_write,
        name="reflection_write",
    ),
    path("updates/<slug:slug>/<str:period>/comments/", views.comment_add, name="comment_add"),
    path(
        "updates/<slug:slug>/<str:period>/attachments/",
        views.attachment_add,
        name="attachment_add",
    ),
    path(
        "updates/<slug:slug>/<str:period>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "updates/<slug:slug>/<str:period>/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
]
