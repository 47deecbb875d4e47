from django.urls import path

from heard.circles import views

urlpatterns = [
    path("", views.index, name="circles"),
    path("<int:pk>/", views.room, name="circle-room"),
]
