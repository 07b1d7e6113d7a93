from django.urls import path

from pursuing_equity.programs import views

urlpatterns = [
    path("", views.program, name="program"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
]
