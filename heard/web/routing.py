"""Websocket routes of every app, gathered in one place for the ASGI router."""

from heard.circles.routing import websocket_urlpatterns as circle_routes

websocket_urlpatterns = [*circle_routes]
