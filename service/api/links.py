"""Signed links to a cited document, for a browser that sends no API key.

With keys on, `/documents/{id}/view` needs a key like every data route, but the
widget's citation cards open it with a plain link, which carries none. Each citation
of `/ask` (and hit of `/search`) therefore carries a `view_url` with an expiry and
an HMAC-SHA256 signature of the document id and expiry; the access check lets that
one GET through without a key. The signing secret is derived from the configured
keys, so every worker and replica with the same keys accepts the same links, and
changing the keys ends them.
Without keys the links are plain (nothing to sign).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from urllib.parse import parse_qs

from service.qa.contract import AlsoIn, AskResponse, Citation, SearchHit, SearchResponse

LINK_TTL_SECONDS = 24 * 3600  # long enough to read an answer's sources the same day
_VIEW_PATH = re.compile(r"^/documents/([0-9a-f]{16})/view$")


class ViewLinks:
    def __init__(self, secret: bytes | None, ttl_seconds: int = LINK_TTL_SECONDS) -> None:
        self.secret = secret
        self.ttl_seconds = ttl_seconds

    def _signature(self, doc_id: str, expires: int) -> str:
        assert self.secret is not None
        message = f"view|{doc_id}|{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]

    def url(self, doc_id: str, start: int, end: int, now: float | None = None) -> str:
        """The path (and query) of the page marking `[start, end)` of the document."""
        url = f"/documents/{doc_id}/view?start={start}&end={end}"
        if self.secret is None:
            return url
        expires = int(now if now is not None else time.time()) + self.ttl_seconds
        return f"{url}&exp={expires}&sig={self._signature(doc_id, expires)}"

    def admits(self, method: str, path: str, query: bytes, now: float | None = None) -> bool:
        """Whether a request is a view of a document with a valid, unexpired signature."""
        match = _VIEW_PATH.match(path)
        if self.secret is None or method != "GET" or match is None:
            return False
        params = parse_qs(query.decode("latin-1"))
        try:
            [expires_text], [signature] = params["exp"], params["sig"]
            expires = int(expires_text)
        except (KeyError, ValueError):
            return False
        if expires < (now if now is not None else time.time()):
            return False
        return hmac.compare_digest(signature, self._signature(match.group(1), expires))

    def add_to(self, response: AskResponse) -> AskResponse:
        """`response` with a `view_url` on each citation and each of its `also_in`."""
        citations = [self.citation(c) for c in response.citations]
        return response.model_copy(update={"citations": citations})

    def add_to_hits(self, response: SearchResponse) -> SearchResponse:
        """`response` with a `view_url` on each hit and each of its `also_in`."""
        return response.model_copy(update={"hits": [self._hit(h) for h in response.hits]})

    def _hit(self, hit: SearchHit) -> SearchHit:
        also_in = [self._also_in(a) for a in hit.also_in]
        view_url = self.url(hit.doc_id, hit.start, hit.end)
        return hit.model_copy(update={"view_url": view_url, "also_in": also_in})

    def citation(self, citation: Citation) -> Citation:
        """`citation` with its `view_url` and those of its `also_in`."""
        also_in = [self._also_in(a) for a in citation.also_in]
        view_url = self.url(citation.doc_id, citation.start, citation.end)
        return citation.model_copy(update={"view_url": view_url, "also_in": also_in})

    def _also_in(self, other: AlsoIn) -> AlsoIn:
        return other.model_copy(update={"view_url": self.url(other.doc_id, other.start, other.end)})
