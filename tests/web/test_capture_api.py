"""POST /captures and the capture form: token rules, address guard, a real capture end to end."""

from __future__ import annotations

import pytest

from tests.site.server import NewsSite
from tests.web.conftest import TOKEN, MakeClient

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_capture_is_off_without_a_configured_token(make_client: MakeClient) -> None:
    client = make_client()
    for headers in ({}, AUTH):
        response = client.post("/captures", json={"url": "https://example.org/a"}, headers=headers)
        assert response.status_code == 403
        assert "capture over HTTP is off" in response.json()["detail"]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "needs the server's token"),
        ({"Authorization": "Bearer wrong-token-0123456789"}, "wrong capture token"),
        ({"Authorization": f"Basic {TOKEN}"}, "needs the server's token"),
        ({"Authorization": f"Bearer {TOKEN}x"}, "wrong capture token"),
    ],
)
def test_a_missing_or_wrong_token_is_401(
    make_client: MakeClient, headers: dict[str, str], message: str
) -> None:
    client = make_client(capture_token=TOKEN)
    response = client.post("/captures", json={"url": "https://example.org/a"}, headers=headers)
    assert response.status_code == 401
    assert message in response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("http://127.0.0.1:9/story", 403, "127.0.0.1 is a loopback address"),
        ("http://2130706433/", 403, "loopback"),
        ("http://localhost/", 403, "loopback"),
        ("http://169.254.169.254/latest/meta-data/", 403, "metadata"),
        ("http://[fd00:ec2::254]/", 403, "metadata"),
        ("http://10.0.0.8/", 403, "private"),
        ("ftp://example.org/a", 400, "unsupported scheme"),
        ("not a url", 400, "not a URL the archive can capture"),
        ("", 400, "empty URL"),
        ("http://nowhere.invalid/", 400, "cannot resolve nowhere.invalid"),
    ],
)
def test_refused_targets_never_start_a_capture(
    make_client: MakeClient, url: str, status: int, message: str
) -> None:
    client = make_client(capture_token=TOKEN)
    response = client.post("/captures", json={"url": url}, headers=AUTH)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_bad_bodies_are_422(make_client: MakeClient) -> None:
    client = make_client(capture_token=TOKEN)
    assert client.post("/captures", json={}, headers=AUTH).status_code == 422
    assert client.post("/captures", json={"url": 5}, headers=AUTH).status_code == 422
    assert client.post("/captures", content=b"{not json", headers=AUTH).status_code == 422


def test_allow_private_still_refuses_metadata(make_client: MakeClient) -> None:
    client = make_client(capture_token=TOKEN, allow_private=True)
    response = client.post("/captures", json={"url": "http://169.254.169.254/"}, headers=AUTH)
    assert response.status_code == 403 and "metadata" in response.json()["detail"]


def test_capture_end_to_end_against_the_local_site(make_client: MakeClient, news_site: NewsSite) -> None:
    spec = news_site.articles[0]
    url = news_site.article_url(spec.slug)
    refused = make_client(capture_token=TOKEN).post("/captures", json={"url": url}, headers=AUTH)
    assert refused.status_code == 403 and "loopback" in refused.json()["detail"]

    client = make_client(capture_token=TOKEN, allow_private=True)
    created = client.post("/captures", json={"url": url}, headers=AUTH)
    assert created.status_code == 201, created.text
    result = created.json()
    assert (result["outcome"], result["version"], result["title"]) == ("new_article", 1, spec.title)
    article = client.get(f"/articles/{result['article_id']}").json()
    assert article["latest"]["title"] == spec.title

    again = client.post("/captures", json={"url": url}, headers=AUTH)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"

    news_site.edit_headline(spec.slug, "A corrected headline")
    edited = client.post("/captures", json={"url": url}, headers=AUTH)
    assert edited.status_code == 201 and edited.json()["version"] == 2
    diff = client.get(f"/articles/{result['article_id']}/diff").json()
    title = {f["field"]: f for f in diff["fields"]}["title"]
    # A headline rewritten whole reads as one deletion and one insertion (the
    # spaces between changed words no longer split it into word pairs).
    assert ("insert", "A corrected headline") in [(op["op"], op["text"]) for op in title["ops"]]

    news_site.delete(spec.slug)
    gone = client.post("/captures", json={"url": url}, headers=AUTH)
    assert gone.status_code == 502
    assert "HTTP 404" in gone.json()["detail"] and gone.json()["result"]["outcome"] == "gone"


def test_capture_form_runs_a_capture(make_client: MakeClient, news_site: NewsSite) -> None:
    spec = news_site.articles[1]
    url = news_site.article_url(spec.slug)
    client = make_client(capture_token=TOKEN, allow_private=True)
    assert "Capture over HTTP is off" not in client.get("/web/capture").text
    wrong = client.post("/web/capture", data={"url": url, "token": "nope"})
    assert wrong.status_code == 401 and "wrong capture token" in wrong.text
    done = client.post("/web/capture", data={"url": url, "token": TOKEN})
    assert done.status_code == 201, done.text
    assert "Result: new_article" in done.text and "Open the article" in done.text


def test_a_capture_that_runs_too_long_is_stopped(make_client: MakeClient, news_site: NewsSite) -> None:
    url = news_site.article_url(news_site.articles[0].slug)
    client = make_client(capture_token=TOKEN, allow_private=True, capture_timeout=0.05)
    response = client.post("/captures", json={"url": url}, headers=AUTH)
    assert response.status_code == 504
    assert "longer than 0.05 s" in response.json()["detail"]
