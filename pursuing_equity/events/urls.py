from django.urls import path

from pursuing_equity.events import views, views_library

urlpatterns = [
    path("calendar/", views.calendar_mine, name="calendar_mine"),
    path("calendar/feed/reset/", views.feed_reset, name="calendar_feed_reset"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/manage/", views.calendar_manage, name="calendar_manage"),
    path("calendar/manage/generate/", views.calendar_generate, name="calendar_generate"),
    path("calendar/manage/dates/", views.activity_dates, name="activity_dates"),
    path("calendar/events/<int:pk>/", views.event_detail, name="event_detail"),
    path("calendar/events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("calendar/events/<int:pk>/attendance/", views.attendance_take, name="attendance_take"),
    path("calendar/events/<int:pk>/attendance/zoom/", views.zoom_upload, name="zoom_upload"),
    path(
        "calendar/events/<int:pk>/attendance/zoom/<int:upload>/",
        views.zoom_review,
        name="zoom_review",
    ),
    path("calendar/events/<int:pk>/materials/", views_library.material_add, name="material_add"),
    path("calendar/events/<int:pk>/activities/", views_library.activity_add, name="activity_add"),
    path(
        "calendar/events/<int:pk>/activities/tried/",
        views_library.activity_tried,
        name="activity_tried",
    ),
    path("calendar/events/<int:pk>/register/", views_library.registration, name="registration"),
    path("calendar/events/<int:pk>/roster/", views_library.roster, name="roster"),
    path("library/", views_library.library_page, name="library"),
    path("library/materials/<int:pk>/", views_library.material_download, name="material_download"),
    path("prework/", views_library.checklists, name="checklists"),
    path("prework/progress/", views_library.checklist_progress, name="checklist_progress"),
    path("calendar/coaching/", views.coaching, name="coaching"),
    path("calendar/coaching/slots/new/", views.slot_publish, name="slot_publish"),
    path("calendar/coaching/slots/<int:pk>/book/", views.slot_book, name="slot_book"),
    path("calendar/coaching/slots/<int:pk>/withdraw/", views.slot_withdraw, name="slot_withdraw"),
    path(
        "calendar/coaching/bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"
    ),
    path("attendance/", views.attendance_overview, name="attendance_overview"),
    path("attendance/teams/<slug:slug>/", views.attendance_team, name="attendance_team"),
    path("attendance/teams/<slug:slug>/note/", views.attendance_note, name="attendance_note"),
]
