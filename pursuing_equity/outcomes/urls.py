from django.urls import path

from pursuing_equity.outcomes import views

urlpatterns = [
    path("outcomes/milestones/", views.milestone_board, name="milestone_board"),
    path(
        "outcomes/self-assessment/", views.self_assessment_network, name="self_assessment_network"
    ),
    path(
        "outcomes/self-assessment/rounds/<slug:round_key>/",
        views.self_assessment_round,
        name="self_assessment_round",
    ),
    path("outcomes/teams/<slug:slug>/", views.team_outcomes, name="team_outcomes"),
    path(
        "outcomes/teams/<slug:slug>/milestones/<slug:key>/status/",
        views.milestone_status,
        name="milestone_status",
    ),
    path(
        "outcomes/teams/<slug:slug>/milestones/<slug:key>/evidence/",
        views.milestone_evidence_add,
        name="milestone_evidence_add",
    ),
    path(
        "outcomes/teams/<slug:slug>/milestones/<slug:key>/evidence/<int:pk>/remove/",
        views.milestone_evidence_remove,
        name="milestone_evidence_remove",
    ),
    path(
        "outcomes/teams/<slug:slug>/self-assessment/",
        views.self_assessment_team,
        name="self_assessment_team",
    ),
    path(
        "outcomes/teams/<slug:slug>/self-assessment/<slug:round_key>/",
        views.self_assessment_answer,
        name="self_assessment_answer",
    ),
]
