from django.urls import path

from heard.drills import views

urlpatterns = [path("", views.index, name="drills")]
