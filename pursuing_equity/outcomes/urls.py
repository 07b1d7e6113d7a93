from django.urls import path

from pursuing_equity.outcomes import (
    views_case_studies,
    views_milestones,
    views_partners,
    views_report,
    views_self_assessment,
)

urlpatterns = [
    path("outcomes/milestones/", views_milestones.milestone_board, name="milestone_board"),
    path(
        "outcomes/self-assessment/",
        views_self_assessment.self_assessment_network,
        name="self_assessment_network",
    ),
    path(
        "outcomes/self-assessment/rounds/<slug:round_key>/",
        views_self_assessment.self_assessment_round,
        name="self_assessment_round",
    ),
    path("outcomes/teams/<slug:slug>/", views_milestones.team_outcomes, name="team_outcomes"),
    path(
        "outcomes/teams/<slug:slug>/milestones/<slug:key>/status/",
        views_milestones.milestone_status,
        name="milestone_status",
    ),
    path(
        "outcomes/teams/<slug:slug>/milestones/<slug:key>/evidence/",
        views_milestones.milestone_evidence_add,
        name="milestone_evidence_add",
    ),
    path(
        "outcomes/teams/<slug:slug>/milestones/<slug:key>/evidence/<int:pk>/remove/",
        views_milestones.milestone_evidence_remove,
        name="milestone_evidence_remove",
    ),
    path(
        "outcomes/teams/<slug:slug>/self-assessment/",
        views_self_assessment.self_assessment_team,
        name="self_assessment_team",
    ),
    path(
        "outcomes/teams/<slug:slug>/self-assessment/<slug:round_key>/",
        views_self_assessment.self_assessment_answer,
        name="self_assessment_answer",
    ),
    path("outcomes/partners/", views_partners.partnership_network, name="partnership_network"),
    path(
        "outcomes/partners/finance.<str:fmt>",
        views_partners.partnership_export,
        name="partnership_export",
    ),
    path(
        "outcomes/teams/<slug:slug>/partners/", views_partners.team_partners, name="team_partners"
    ),
    path(
        "outcomes/teams/<slug:slug>/partners/add/", views_partners.partner_add, name="partner_add"
    ),
    path(
        "outcomes/teams/<slug:slug>/partners/<int:pk>/",
        views_partners.partner_edit,
        name="partner_edit",
    ),
    path(
        "outcomes/teams/<slug:slug>/partners/<int:pk>/engagements/",
        views_partners.engagement_add,
        name="engagement_add",
    ),
    path(
        "outcomes/teams/<slug:slug>/partners/<int:pk>/payments/",
        views_partners.payment_add,
        name="payment_add",
    ),
    path(
        "outcomes/teams/<slug:slug>/partners/<int:pk>/<slug:kind>/<int:record>/remove/",
        views_partners.partner_record_remove,
        name="partner_record_remove",
    ),
    path("outcomes/report/", views_report.program_report, name="program_report"),
    path(
        "outcomes/report/program-report.<str:fmt>",
        views_report.program_report_download,
        name="program_report_download",
    ),
    path(
        "outcomes/teams/<slug:slug>/case-studies/",
        views_case_studies.team_case_studies,
        name="team_case_studies",
    ),
    path(
        "outcomes/teams/<slug:slug>/case-studies/new/",
        views_case_studies.case_study_create,
        name="case_study_create",
    ),
    path("outcomes/case-studies/", views_case_studies.case_study_queue, name="case_study_queue"),
    path(
        "outcomes/case-studies/<int:pk>/",
        views_case_studies.case_study_detail,
        name="case_study_detail",
    ),
    path(
        "outcomes/case-studies/<int:pk>/edit/",
        views_case_studies.case_study_edit,
        name="case_study_edit",
    ),
    path(
        "outcomes/case-studies/<int:pk>/<slug:action>/",
        views_case_studies.case_study_transition,
        name="case_study_transition",
    ),
    path("case-studies/", views_case_studies.case_study_gallery, name="case_study_gallery"),
    path("case-studies/<int:pk>/", views_case_studies.case_study_public, name="case_study_public"),
    path(
        "case-studies/<int:pk>/case-study.<str:fmt>",
        views_case_studies.case_study_download,
        name="case_study_download",
    ),
]
