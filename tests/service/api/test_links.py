"""Signed citation links: open without a key, only for the signed document, until expiry."""

from __future__ import annotations

import time

from service.api.links import ViewLinks
from service.api.state import app_state
from tests.service.api.conftest import KEYS, QUERY_KEY, ClientFactory, auth


def test_signed_links_open_the_cited_document_without_a_key(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    body = client.post("/ask", json={"question": "Beta trust"}, headers=auth(QUERY_KEY)).json()
    citation = body["citations"][0]
    url = citation["view_url"]
    assert url.startswith(f"/documents/{citation['doc_id']}/view?start={citation['start']}&")
    page = client.get(url)  # no key
    assert page.status_code == 200 and '<mark id="cited">' in page.text

    hits = client.get("/search", params={"q": "Beta"}, headers=auth(QUERY_KEY)).json()["hits"]
    assert client.get(hits[0]["view_url"]).status_code == 200

    # The signature covers the document and the expiry; offsets may change.
    unsigned = url.split("&exp=")[0]
    assert client.get(unsigned).status_code == 401
    tampered = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    assert client.get(tampered).status_code == 401
    other = url.replace(citation["doc_id"], "0123456789abcdef")
    assert client.get(other).status_code == 401
    moved = url.replace(f"start={citation['start']}", "start=0")
    assert client.get(moved).status_code == 200
    # Signed links reach the view only, never the data routes.
    assert client.get(f"/documents/{citation['doc_id']}?{url.split('?')[1]}").status_code == 401


def test_links_expire_and_need_the_service_secret(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    links: ViewLinks = app_state(client.app).links  # type: ignore[arg-type]
    doc_id = client.get("/documents", headers=auth(QUERY_KEY)).json()[0]["doc_id"]
    expired = links.url(doc_id, 0, 10, now=time.time() - links.ttl_seconds - 5)
    assert client.get(expired).status_code == 401
    other_secret = ViewLinks(b"another secret").url(doc_id, 0, 10)
    assert client.get(other_secret).status_code == 401
    # A signature for an expiry past the TTL is refused, however it was made.
    far = ViewLinks(links.secret, ttl_seconds=100 * links.ttl_seconds).url(doc_id, 0, 10)
    assert client.get(far).status_code == 401
    # A signature that is not ASCII is a refusal, not an error.
    bad = f"/documents/{doc_id}/view?exp={int(time.time()) + 60}&sig=%FF"
    assert client.get(bad).status_code == 401


def test_without_keys_links_are_plain(make_client: ClientFactory) -> None:
    client = make_client()
    body = client.post("/ask", json={"question": "Beta trust"}).json()
    citation = body["citations"][0]
    assert citation["view_url"] == (
        f"/documents/{citation['doc_id']}/view?start={citation['start']}&end={citation['end']}"
    )
