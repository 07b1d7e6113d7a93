"""Dashboards: a measure's equity dashboard and its downloads, and the network view."""

from django.urls import path

from pursuing_equity.measures import views_dashboard as views

M = "teams/<slug:team_slug>/measures/<slug:measure_slug>"

urlpatterns = [
    path("measures/network/", views.network_view, name="measures_network"),
    path("measures/shared/", views.shared_measures_view, name="measures_shared"),
    path(f"{M}/", views.measure_dashboard_view, name="measure_dashboard"),
    path(
        f"{M}/dashboard.<str:fmt>", views.measure_dashboard_export, name="measure_dashboard_export"
    ),
    path(
        f"{M}/charts/<str:chart>.<str:fmt>",
        views.measure_chart_image,
        name="measure_chart_image",
    ),
]
