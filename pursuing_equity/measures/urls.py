from django.urls import include, path

from pursuing_equity.measures import views, views_connections

M = "teams/<slug:team_slug>/measures/<slug:measure_slug>"

urlpatterns = [
    path("teams/<slug:team_slug>/measures/", views.measure_list, name="measure_list"),
    path("teams/<slug:team_slug>/measures/new/", views.measure_create, name="measure_create"),
    path(f"{M}/edit/", views.measure_edit, name="measure_edit"),
    path(f"{M}/data/", views.measure_data, name="measure_data"),
    path(f"{M}/data/template.<str:fmt>", views.measure_template, name="measure_template"),
    path(f"{M}/data/upload/", views.measure_upload_counts, name="measure_upload_counts"),
    path(f"{M}/data/extract/", views.measure_upload_extract, name="measure_upload_extract"),
    path(f"{M}/data/grid/", views.measure_grid, name="measure_grid"),
    path(
        f"{M}/data/uploads/<int:upload_id>/",
        views.measure_upload_preview,
        name="measure_upload_preview",
    ),
    path(
        f"{M}/data/uploads/<int:upload_id>/decide/",
        views.measure_upload_decide,
        name="measure_upload_decide",
    ),
    path(
        f"{M}/data/versions/<int:submission_id>/",
        views.measure_submission,
        name="measure_submission",
    ),
    path(
        f"{M}/data/versions/<int:submission_id>/restore/",
        views.measure_submission_restore,
        name="measure_submission_restore",
    ),
    path(
        "teams/<slug:team_slug>/connections/",
        views_connections.team_connections,
        name="team_connections",
    ),
    path(f"{M}/connection/", views_connections.measure_connection, name="measure_connection"),
    path(
        f"{M}/connection/pull/",
        views_connections.measure_connection_pull,
        name="measure_connection_pull",
    ),
    path(
        f"{M}/connection/remove/",
        views_connections.measure_connection_remove,
        name="measure_connection_remove",
    ),
    path(f"{M}/aims/new/", views.aim_create, name="aim_create"),
    path(f"{M}/aims/<int:aim_id>/edit/", views.aim_edit, name="aim_edit"),
    path("", include("pursuing_equity.measures.urls_dashboard")),
]
