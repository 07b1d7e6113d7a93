from django.urls import path

from pursuing_equity.review import views

urlpatterns = [
    path("review/", views.review_queue, name="review_queue"),
    path("review/assigned/", views.review_assigned, name="review_assigned"),
    path("review/conflicts/", views.review_conflict_declare, name="review_conflict_declare"),
    path("review/applications/<int:pk>/", views.review_application, name="review_application"),
    path("review/drafts/<int:pk>/", views.review_draft, name="review_draft"),
    path("review/drafts/<int:pk>/remind/", views.review_draft_remind, name="review_draft_remind"),
    path("review/applications/<int:pk>/score/", views.review_score, name="review_score"),
    path(
        "review/applications/<int:pk>/documents/<int:doc>/",
        views.review_document,
        name="review_document",
    ),
    path(
        "review/applications/<int:pk>/video/<int:video>/", views.review_video, name="review_video"
    ),
    path("review/applications/<int:pk>/assign/", views.review_assign, name="review_assign"),
    path("review/applications/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("review/applications/<int:pk>/rank/", views.review_rank, name="review_rank"),
    path(
        "review/applications/<int:pk>/letters/<slug:kind>/",
        views.review_letter,
        name="review_letter",
    ),
    path("review/assignments/<int:pk>/unassign/", views.review_unassign, name="review_unassign"),
    path("staff/portfolio/", views.review_portfolio, name="review_portfolio"),
    path("teams/<slug:slug>/leaders/", views.team_leaders, name="team_leaders"),
]
