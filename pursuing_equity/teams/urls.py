from django.urls import path

from pursuing_equity.teams import views

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("coaches/", views.team_coaches, name="team_coaches"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path(
        "teams/<slug:slug>/members/<int:pk>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("cohorts/builder/", views.cohort_builder, name="cohort_builder"),
    path("cohorts/builder/move/", views.cohort_move, name="cohort_move"),
    path("cohorts/builder/pin/", views.cohort_pin, name="cohort_pin"),
    path("cohorts/builder/apart/", views.cohort_apart, name="cohort_apart"),
    path(
        "cohorts/builder/apart/<int:pk>/remove/",
        views.cohort_apart_remove,
        name="cohort_apart_remove",
    ),
    path("cohorts/builder/coach/", views.cohort_coach, name="cohort_coach"),
    path("affinity/", views.affinity_groups, name="affinity_groups"),
    path("affinity/<slug:key>/", views.affinity_group_members, name="affinity_group_members"),
    path("leadership/", views.leadership_workgroup, name="leadership_workgroup"),
]
