from django.urls import path

from heard.circles.consumers import CircleConsumer

websocket_urlpatterns = [path("ws/circles/<int:pk>/", CircleConsumer.as_asgi())]
