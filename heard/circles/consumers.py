"""The live side of a circle: everyone in the room hears who joins and leaves.

An outsider (not in the circle's team) or an anonymous visitor is refused before the
handshake completes, so the socket never opens and nothing about the circle leaks."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from heard.circles.selectors import get_circle_for_user

MAX_MESSAGE_BYTES = 4_000


class CircleConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        try:
            circle = await database_sync_to_async(get_circle_for_user)(
                user, self.scope["url_route"]["kwargs"]["pk"]
            )
        except Http404:
            await self.close(code=4404)
            return
        self.circle_id = circle.pk
        self.group = f"circle-{circle.pk}"
        self.name = user.get_username()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "welcome", "circle": circle.title, "you": self.name})
        await self.channel_layer.group_send(
            self.group,
            {"type": "presence", "event": "join", "who": self.name, "from": self.channel_name},
        )

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_send(
                self.group,
                {"type": "presence", "event": "leave", "who": self.name, "from": self.channel_name},
            )
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data or (text_data and len(text_data.encode()) > MAX_MESSAGE_BYTES):
            await self.send_json({"type": "error", "message": "Message too large."})
            return
        await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "error", "message": "Unknown message."})

    async def presence(self, event):
        if event["event"] == "join" and event["from"] != self.channel_name:
            # Tell the newcomer we are here, so every browser shows the same room.
            await self.channel_layer.send(
                event["from"],
                {"type": "presence", "event": "here", "who": self.name, "from": self.channel_name},
            )
        await self.send_json({"type": "presence", "event": event["event"], "who": event["who"]})
