from django.contrib import admin
from django.urls import include, path

from heard.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("coach/", views.coach_page, name="coach"),
    path("coach/analyse/", views.coach_analyse, name="coach-analyse"),
    path("accounts/", include("heard.teams.account_urls")),
    path("team/", include("heard.teams.urls")),
    path("drills/", include("heard.drills.urls")),
    path("circles/", include("heard.circles.urls")),
    path("journal/", include("heard.journal.urls")),
    path("pulse/", include("heard.pulse.urls")),
    path("admin/", admin.site.urls),
]
