"""The circle websocket, through the real ASGI stack (session auth, origin check, consumer)."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from heard.circles.models import Circle
from heard.web.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _socket(circle_pk, cookie=None, origin=b"http://127.0.0.1"):
    headers = [(b"origin", origin), (b"host", b"127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, f"/ws/circles/{circle_pk}/", headers=headers)


@pytest.fixture
def circle(team, owner):
    return Circle.objects.create(team=team, title="Tuesday circle", created_by=owner)


async def test_members_see_each_other_join_and_leave(circle, owner, teammate):
    from asgiref.sync import sync_to_async

    first = _socket(circle.pk, await sync_to_async(_cookie_for)(owner))
    connected, _ = await first.connect()
    assert connected
    assert await first.receive_json_from() == {
        "type": "welcome",
        "circle": "Tuesday circle",
        "you": "olivia",
    }
    assert await first.receive_json_from() == {"type": "presence", "event": "join", "who": "olivia"}

    second = _socket(circle.pk, await sync_to_async(_cookie_for)(teammate))
    connected, _ = await second.connect()
    assert connected
    assert (await second.receive_json_from())["type"] == "welcome"
    # The newcomer hears its own join and the people already in the room.
    heard_by_second = {tuple(sorted((await second.receive_json_from()).items())) for _ in range(2)}
    assert (("event", "here"), ("type", "presence"), ("who", "olivia")) in heard_by_second
    assert await first.receive_json_from() == {"type": "presence", "event": "join", "who": "tariq"}

    await second.disconnect()
    assert await first.receive_json_from() == {"type": "presence", "event": "leave", "who": "tariq"}
    await first.disconnect()


async def test_outsider_is_refused(circle, outsider, other_team):
    from asgiref.sync import sync_to_async

    socket = _socket(circle.pk, await sync_to_async(_cookie_for)(outsider))
    connected, code = await socket.connect()
    assert not connected
    assert code == 4404


async def test_anonymous_is_refused(circle):
    socket = _socket(circle.pk)
    connected, code = await socket.connect()
    assert not connected
    assert code == 4401


async def test_foreign_origin_is_refused(circle, owner):
    from asgiref.sync import sync_to_async

    socket = _socket(
        circle.pk, await sync_to_async(_cookie_for)(owner), origin=b"http://evil.example"
    )
    connected, _ = await socket.connect()
    assert not connected


async def test_oversized_message_gets_an_error(circle, owner):
    from asgiref.sync import sync_to_async

    socket = _socket(circle.pk, await sync_to_async(_cookie_for)(owner))
    await socket.connect()
    await socket.receive_json_from()
    await socket.receive_json_from()
    await socket.send_to(text_data="x" * 10_000)
    assert await socket.receive_json_from() == {"type": "error", "message": "Message too large."}
    await socket.disconnect()
