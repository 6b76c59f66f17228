"""Request bodies: the token is checked before the body is read, the body is capped while it
arrives (413 with the rest never read), and no error echoes unbounded input back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from newsarchive.crawler.web.app import create_app
from newsarchive.crawler.web.config import WebSettings
from newsarchive.storage.config import ArchiveConfig
from tests.web.conftest import TOKEN, MakeClient
from tests.web.serving import serving

CHUNK = 64 * 1024
HUGE_CHUNKS = 1024  # 64 MiB offered; the cap is 16 KiB


class Offered:
    """An ASGI `receive` that offers a body of `chunks` chunks and counts how many were taken."""

    def __init__(self, first: bytes, chunks: int) -> None:
        self.first = first
        self.chunks = chunks
        self.taken = 0

    async def __call__(self) -> dict[str, Any]:
        if self.taken >= self.chunks:
            await asyncio.sleep(3600)  # a client that has sent everything waits for the answer
        self.taken += 1
        body = self.first if self.taken == 1 else b"a" * CHUNK
        return {"type": "http.request", "body": body, "more_body": self.taken < self.chunks}


def call(
    config: ArchiveConfig, method: str, path: str, headers: dict[str, str], receive: Offered
) -> tuple[int, dict[str, str], bytes]:
    app = create_app(config, WebSettings(capture_token=TOKEN))
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    try:
        asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    finally:
        app.state.archive.close()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def test_a_streamed_capture_form_is_refused_without_reading_it(archive_config: ArchiveConfig) -> None:
    receive = Offered(b"token=" + TOKEN.encode() + b"&url=http://example.org/", HUGE_CHUNKS)
    status, headers, body = call(
        archive_config, "POST", "/web/capture", {"content-type": "application/x-www-form-urlencoded"}, receive
    )
    assert status == 413 and b"too large" in body
    assert headers["content-type"].startswith("text/html")  # the page's error page, not JSON
    assert receive.taken == 2  # about 64 KiB of 64 MiB: stopped at the chunk that crossed the cap


def test_a_streamed_json_capture_is_refused_without_reading_it(archive_config: ArchiveConfig) -> None:
    receive = Offered(b'{"url": "http://example.org/' + b"a" * CHUNK, HUGE_CHUNKS)
    headers = {"content-type": "application/json", "authorization": f"Bearer {TOKEN}"}
    status, _headers, body = call(archive_config, "POST", "/captures", headers, receive)
    assert status == 413 and "too large" in json.loads(body)["detail"]
    assert receive.taken == 1


def test_the_token_is_checked_before_the_body_is_read(archive_config: ArchiveConfig) -> None:
    for headers, expected in (
        ({"content-type": "application/json"}, 401),
        ({"content-type": "application/json", "authorization": "Bearer wrong-token-0123456789"}, 401),
    ):
        receive = Offered(b'{"url": "http://example.org/"}', HUGE_CHUNKS)
        status, _headers, _body = call(archive_config, "POST", "/captures", headers, receive)
        assert status == expected
        assert receive.taken == 0


def test_a_declared_length_over_the_cap_is_refused_before_a_byte_is_read(
    archive_config: ArchiveConfig,
) -> None:
    receive = Offered(b"url=x", HUGE_CHUNKS)
    headers = {"content-type": "application/x-www-form-urlencoded", "content-length": str(500 << 20)}
    status, response_headers, _body = call(archive_config, "POST", "/web/capture", headers, receive)
    assert status == 413 and response_headers["connection"] == "close"
    assert response_headers["content-type"].startswith("text/html")
    assert receive.taken == 0


def test_bodies_under_the_cap_still_work(make_client: MakeClient) -> None:
    client = make_client(capture_token=TOKEN)
    response = client.post(
        "/captures", json={"url": "ftp://example.org/a"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 400 and "unsupported scheme" in response.json()["detail"]
    form = client.post("/web/capture", data={"url": "ftp://example.org/a", "token": TOKEN})
    assert form.status_code == 400 and "unsupported scheme" in form.text


def test_a_long_invalid_url_is_not_echoed_whole(make_client: MakeClient) -> None:
    client = make_client(capture_token=TOKEN)
    url = "http://example.org/" + "x" * 12_000  # under the body cap, over CaptureIn's 4,096
    response = client.post("/captures", json={"url": url}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    assert len(response.content) < 1000
    (error,) = response.json()["detail"]
    assert error["type"] == "string_too_long" and error["input"].startswith("http://example.org/xxx")


def test_a_long_query_parameter_is_not_echoed_whole(make_client: MakeClient) -> None:
    client = make_client()
    response = client.get("/articles", params={"source": "s" * 50_000})
    assert response.status_code == 422 and len(response.content) < 1000
    page = client.get("/", params={"source": "s" * 50_000})
    assert page.status_code == 400 and "s" * 2000 not in page.text


@pytest.fixture
def served(archive_config: ArchiveConfig) -> Iterator[str]:
    with serving(archive_config, env={"NEWSARCHIVE_CAPTURE_TOKEN": TOKEN}) as base:
        yield base


def test_the_real_server_answers_a_huge_streamed_post_early(served: str) -> None:
    """Over a socket, as an attacker would send it: 256 MiB offered in chunks, chunked encoding."""
    offered = 256 << 20
    yielded = 0

    def body() -> Iterator[bytes]:
        nonlocal yielded
        block = b"url=" + b"a" * (CHUNK - 4)
        while yielded < offered:
            yielded += len(block)
            yield block

    response = httpx.post(
        served + "/web/capture",
        content=body(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    assert response.status_code == 413 and "too large" in response.text
    # What was sent before the answer is the socket buffers' worth, not the body.
    assert yielded < offered // 8, f"the client got to send {yielded} bytes"
    assert httpx.get(served + "/articles", timeout=10).status_code == 200
