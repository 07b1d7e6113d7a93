from django.urls import path

from pursuing_equity.community import views

urlpatterns = [
    path("community/", views.community, name="community"),
    path("community/spaces/<slug:slug>/", views.space, name="community_space"),
    path("community/threads/<int:pk>/", views.thread, name="community_thread"),
    path(
        "community/attachments/<int:pk>/",
        views.attachment_download,
        name="community_attachment",
    ),
    path("community/posts/<int:pk>/report/", views.post_report, name="community_post_report"),
    path("community/reports/", views.reports, name="community_reports"),
    path("community/posts/<int:pk>/hide/", views.post_hide, name="community_post_hide"),
    path(
        "community/reports/<int:pk>/dismiss/",
        views.report_dismiss,
        name="community_report_dismiss",
    ),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/new/", views.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.preferences, name="notification_preferences"),
    path("directory/", views.directory, name="directory"),
    path("people/me/directory/", views.directory_entry, name="directory_entry"),
]
