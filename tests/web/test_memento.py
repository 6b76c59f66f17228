"""Memento (RFC 7089) and replay addresses over captures made by `newsarchive capture` on the local site.

Three captures of one article: the first version, the same page again, and
an edited headline (the second version). The TimeGate, both TimeMaps, the
headers of each memento and the replay page's banner are checked against
the capture rows and against the RFC's formats (section 4 for the TimeGate
and memento headers, section 5 for the link-format TimeMap).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from newsarchive.crawler.web.app import create_app
from newsarchive.storage.archive import Archive
from newsarchive.storage.config import ArchiveConfig
from newsarchive.storage.models import Capture
from tests.helpers import capture
from tests.site.hosts import NEWS_WWW
from tests.site.response import text
from tests.site.web import NewsWeb

BASE = "http://testserver"
PATH = "/2026/ferry-timetable.html"
# RFC 7231 IMF-fixdate, the only form Memento-Datetime may take.
IMF_FIXDATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$"
)


def article(headline: str) -> str:
    body = "".join(
        f"<p>{s}</p>"
        for s in (
            "The island ferry will run every forty minutes from Monday, the operator announced.",
            "Evening sailings are cut from six to four while the second vessel is in dry dock.",
            "Commuters said the change would make the morning crossing far more crowded.",
        )
    )
    return (
        f"<!DOCTYPE html><html><head><title>{headline}</title></head><body><article>"
        f"<h1>{headline}</h1><p class='byline'>By Lee Chan</p>{body}</article></body></html>"
    )


@dataclass(frozen=True)
class Captured:
    config: ArchiveConfig
    url: str
    times: list[datetime]  # the three captures' times, oldest first
    article_id: int


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Captured:
    home = tmp_path_factory.mktemp("memento")
    config = ArchiveConfig(home=home / "home", db_url=f"sqlite:///{home / 'archive.db'}")
    with NewsWeb() as web:
        url = web.url(NEWS_WWW, PATH)
        resolver = tuple(web.resolver_args())
        for headline in ("Ferry timetable cut", "Ferry timetable cut", "Ferry timetable cut for summer"):
            web.set_route(NEWS_WWW, PATH, text(article(headline)))
            done = capture(config, url, extra=resolver)
            assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    with Archive(config) as archive, archive.sessions() as session:
        rows = list(session.scalars(select(Capture).order_by(Capture.fetched_at)))
    assert [row.outcome for row in rows] == ["new_article", "unchanged", "new_version"]
    times = [row.fetched_at.astimezone(UTC) for row in rows]
    # One memento per second: three separate capture processes never share one.
    assert len({t.replace(microsecond=0) for t in times}) == 3
    assert rows[0].article_id is not None
    return Captured(config, url, times, rows[0].article_id)


@pytest.fixture(scope="module")
def client(captured: Captured) -> Iterator[TestClient]:
    with TestClient(create_app(captured.config), raise_server_exceptions=False) as test_client:
        yield test_client


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def uri_m(captured: Captured, index: int) -> str:
    return f"{BASE}/web/{stamp(captured.times[index])}/{captured.url}"


def parse_links(value: str) -> list[tuple[str, dict[str, str]]]:
    """An RFC 8288 Link header (or an RFC 6690 link-format body) as (URI, parameters)."""
    links = []
    for match in re.finditer(r"<([^>]*)>((?:\s*;\s*[\w-]+=\"[^\"]*\")*)", value):
        params = dict(re.findall(r"([\w-]+)=\"([^\"]*)\"", match.group(2)))
        links.append((match.group(1), params))
    return links


def by_rel(links: list[tuple[str, dict[str, str]]]) -> dict[str, tuple[str, dict[str, str]]]:
    """Each relation type to its link (a link with rel="first memento" answers "first" and "memento")."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for uri, params in links:
        for rel in params.get("rel", "").split():
            if rel != "memento":
                found[rel] = (uri, params)
    return found


def test_timemap_in_link_format_lists_every_memento(client: TestClient, captured: Captured) -> None:
    response = client.get(f"/timemap/link/{captured.url}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/link-format")
    links = parse_links(response.text)
    rels = by_rel(links)
    assert rels["original"][0] == captured.url
    self_uri, self_params = rels["self"]
    assert self_uri == f"{BASE}/timemap/link/{captured.url}"
    assert self_params["type"] == "application/link-format"
    assert self_params["from"] == http_date(captured.times[0])
    assert self_params["until"] == http_date(captured.times[-1])
    assert rels["timegate"][0] == f"{BASE}/timegate/{captured.url}"
    mementos = [(uri, params) for uri, params in links if "memento" in params["rel"].split()]
    assert [uri for uri, _ in mementos] == [uri_m(captured, i) for i in range(3)]
    assert [params["datetime"] for _, params in mementos] == [http_date(t) for t in captured.times]
    assert all(IMF_FIXDATE.match(params["datetime"]) for _, params in mementos)
    assert [params["rel"] for _, params in mementos] == ["first memento", "memento", "last memento"]


def test_timemap_in_json(client: TestClient, captured: Captured) -> None:
    body = client.get(f"/timemap/json/{captured.url}").json()
    assert body["original_uri"] == captured.url
    assert body["timegate_uri"] == f"{BASE}/timegate/{captured.url}"
    assert body["timemap_uri"]["link_format"] == f"{BASE}/timemap/link/{captured.url}"
    listed = [(m["uri"], m["datetime"]) for m in body["mementos"]["list"]]
    assert listed == [
        (uri_m(captured, i), captured.times[i].strftime("%Y-%m-%dT%H:%M:%SZ")) for i in range(3)
    ]
    assert body["mementos"]["first"]["uri"] == uri_m(captured, 0)
    assert body["mementos"]["last"]["uri"] == uri_m(captured, 2)


def _timegate(client: TestClient, url: str, accept: str | None) -> tuple[int, dict[str, str]]:
    headers = {"Accept-Datetime": accept} if accept is not None else {}
    response = client.get(f"/timegate/{url}", headers=headers, follow_redirects=False)
    return response.status_code, dict(response.headers)


def test_timegate_redirects_to_the_memento_nearest_accept_datetime(
    client: TestClient, captured: Captured
) -> None:
    first, second, third = captured.times
    cases = [
        (http_date(first - timedelta(days=400)), 0),  # before every capture: the first
        ("Thu, 31 May 2007 20:35:00 GMT", 0),  # RFC 7089's own example date
        (http_date(second), 1),
        (http_date(second + (third - second) / 3), 1),
        (http_date(third + timedelta(days=30)), 2),  # after every capture: the last
        (None, 2),  # no Accept-Datetime: the most recent
    ]
    for accept, index in cases:
        status, headers = _timegate(client, captured.url, accept)
        assert status == 302, accept
        assert headers["location"] == uri_m(captured, index), accept
        assert headers["vary"].lower() == "accept-datetime"
        rels = by_rel(parse_links(headers["link"]))
        assert rels["original"][0] == captured.url
        assert rels["timemap"] == (
            f"{BASE}/timemap/link/{captured.url}",
            {"rel": "timemap", "type": "application/link-format"},
        )
        assert rels["first"][0] == uri_m(captured, 0) and rels["last"][0] == uri_m(captured, 2)


def test_head_answers_as_get(client: TestClient, captured: Captured) -> None:
    # Memento clients ask the TimeGate and mementos with HEAD.
    gate = client.head(f"/timegate/{captured.url}", follow_redirects=False)
    assert gate.status_code == 302 and gate.headers["location"] == uri_m(captured, 2)
    memento = client.head(uri_m(captured, 0).removeprefix(BASE))
    assert memento.status_code == 200 and memento.headers["memento-datetime"] == http_date(captured.times[0])
    assert client.head(f"/timemap/link/{captured.url}").status_code == 200


def test_timegate_refuses_a_malformed_accept_datetime_and_unknown_urls(
    client: TestClient, captured: Captured
) -> None:
    for bad in ("2026-03-01T12:00:00Z", "yesterday", "Thu, 31 May 2007 20:35:00 +0200"):
        status, headers = _timegate(client, captured.url, bad)
        assert status == 400, bad
        assert headers["vary"].lower() == "accept-datetime"
    status, _ = _timegate(client, captured.url.replace(PATH, "/never-captured.html"), None)
    assert status == 404
    assert client.get(f"/timemap/link/{captured.url}x").status_code == 404


def test_each_memento_names_its_neighbours(client: TestClient, captured: Captured) -> None:
    expected = [
        {"first": 0, "last": 2, "next": 1},
        {"first": 0, "prev": 0, "next": 2, "last": 2},
        {"first": 0, "prev": 1, "last": 2},
    ]
    for index, relations in enumerate(expected):
        response = client.get(uri_m(captured, index).removeprefix(BASE))
        assert response.status_code == 200
        assert response.headers["memento-datetime"] == http_date(captured.times[index])
        links = parse_links(response.headers["link"])
        rels = by_rel(links)
        assert rels["original"][0] == captured.url
        assert rels["timegate"][0] == f"{BASE}/timegate/{captured.url}"
        assert rels["timemap"][0] == f"{BASE}/timemap/link/{captured.url}"
        found = {rel: uri for rel, (uri, _) in rels.items() if rel in ("first", "last", "prev", "next")}
        assert found == {rel: uri_m(captured, i) for rel, i in relations.items()}
        for uri, params in links:
            if "memento" in params["rel"].split():
                assert params["datetime"] == http_date(
                    captured.times[[uri_m(captured, i) for i in range(3)].index(uri)]
                )


def test_replay_addresses_follow_wayback(client: TestClient, captured: Captured) -> None:
    first, _, third = captured.times

    def redirect(path: str) -> str:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 302, (path, response.status_code)
        return response.headers["location"]

    # A year, a day: the earliest capture in it. A moment: the nearest capture.
    assert redirect(f"/web/{first:%Y}/{captured.url}") == f"/web/{stamp(first)}/{captured.url}"
    assert redirect(f"/web/{first:%Y%m%d}/{captured.url}") == f"/web/{stamp(first)}/{captured.url}"
    later = third + timedelta(hours=5)
    assert redirect(f"/web/{stamp(later)}/{captured.url}") == f"/web/{stamp(third)}/{captured.url}"
    # The frame's document redirects the same way, keeping its modifier.
    assert redirect(f"/web/{first:%Y}if_/{captured.url}") == f"/web/{stamp(first)}if_/{captured.url}"
    # A collapsed "http:/" (as some proxies leave it) is still the URL.
    assert client.get(f"/web/{stamp(first)}/{captured.url.replace('http://', 'http:/')}").status_code == 200
    assert client.get(f"/web/20261399/{captured.url}").status_code == 400
    assert client.get(f"/web/{stamp(first)}/http://www.example-news.test/nothing.html").status_code == 404


def test_replay_page_banner(client: TestClient, captured: Captured) -> None:
    page = client.get(uri_m(captured, 1).removeprefix(BASE))
    assert page.status_code == 200
    banner = page.text
    assert "capture 2 of 3" in banner and "version 1 of 2" in banner
    assert f'href="/web/{stamp(captured.times[0])}/{captured.url}"' in banner  # previous
    assert f'href="/web/{stamp(captured.times[2])}/{captured.url}"' in banner  # next
    assert f'href="/web/articles/{captured.article_id}"' in banner
    assert re.search(r'href="/versions/\d+"', banner)
    frame = re.search(r'<iframe[^>]*src="([^"]+)"[^>]*sandbox="([^"]*)"', banner)
    assert frame is not None
    assert frame.group(1) == f"/web/{stamp(captured.times[1])}if_/{captured.url}"
    assert "allow-scripts" not in frame.group(2) and "allow-same-origin" not in frame.group(2)
    assert "frame-src 'self'" in page.headers["content-security-policy"]

    document = client.get(frame.group(1))
    assert document.status_code == 200
    assert "Ferry timetable cut" in document.text
    policy = document.headers["content-security-policy"]
    assert policy.startswith("sandbox") and "default-src 'none'" in policy and "script-src 'none'" in policy
    assert document.headers["x-frame-options"] == "SAMEORIGIN"
    assert document.headers["memento-datetime"] == http_date(captured.times[1])


def test_article_page_links_every_version_to_its_replay(client: TestClient, captured: Captured) -> None:
    page = client.get(f"/web/articles/{captured.article_id}")
    links = re.findall(r'<a class="replay" href="([^"]+)"', page.text)
    assert len(links) == 2
    for number, link in enumerate(links, start=1):
        replay = client.get(link.replace("&amp;", "&"))
        assert replay.status_code == 200, link
        assert f"version {number} of 2" in replay.text
    # Version 2 was first seen at the third capture.
    assert links[1] == f"/web/{stamp(captured.times[2])}/{captured.url}"
