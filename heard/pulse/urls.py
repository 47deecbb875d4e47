from django.urls import path

from heard.pulse import views

urlpatterns = [path("", views.index, name="pulse")]
