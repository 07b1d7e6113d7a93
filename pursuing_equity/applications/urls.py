from django.urls import path

from pursuing_equity.applications import views

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/confirm/<str:token>/", views.roster_confirm, name="application_roster_confirm"),
    path("apply/applications/<int:pk>/", views.application_status, name="application_status"),
    path(
        "apply/applications/<int:pk>/cohort/", views.application_cohort, name="application_cohort"
    ),
    path(
        "apply/applications/<int:pk>/organization/",
        views.application_organization,
        name="application_organization",
    ),
    path("apply/applications/<int:pk>/team/", views.application_team, name="application_team"),
    path(
        "apply/applications/<int:pk>/readiness/",
        views.application_readiness,
        name="application_readiness",
    ),
    path("apply/applications/<int:pk>/hopes/", views.application_hopes, name="application_hopes"),
    path(
        "apply/applications/<int:pk>/documents/",
        views.application_documents,
        name="application_documents",
    ),
    path(
        "apply/applications/<int:pk>/documents/<int:doc>/",
        views.application_document,
        name="application_document",
    ),
    path("apply/applications/<int:pk>/video/", views.application_video, name="application_video"),
    path(
        "apply/applications/<int:pk>/video/<int:video>/file/",
        views.application_video_file,
        name="application_video_file",
    ),
    path(
        "apply/applications/<int:pk>/review/", views.application_review, name="application_review"
    ),
    path(
        "apply/applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("apply/applications/<int:pk>/offer/", views.application_offer, name="application_offer"),
    path(
        "apply/applications/<int:pk>/extend/", views.application_extend, name="application_extend"
    ),
    path("apply/<slug:slug>/", views.application_start, name="application_start"),
]
