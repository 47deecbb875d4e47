from django.urls import path

from heard.journal import views

urlpatterns = [path("", views.index, name="journal")]
