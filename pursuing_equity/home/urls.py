from django.urls import path

from pursuing_equity.home import views

urlpatterns = [
    path("home/", views.home, name="home"),
    path("staff/audit/", views.audit_log, name="audit_log"),
    path("staff/audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("staff/outbox/", views.outbox, name="outbox"),
    path("staff/outbox/<int:pk>/", views.outbox_detail, name="outbox_detail"),
]
