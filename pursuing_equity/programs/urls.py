from django.urls import path

from pursuing_equity.programs import views

urlpatterns = [
    path("", views.program, name="program"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    path("programs/<slug:slug>/call/", views.call, name="call"),
    path("programs/<slug:slug>/call/staff/", views.call_staff, name="call_staff"),
]
