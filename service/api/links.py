"""Signed links to a cited document, for a browser that sends no API key.

With keys on, `/documents/{id}/view` needs a key like every data route, but the
widget's citation cards open it with a plain link, which carries none. Each citation
of `/ask` (and hit of `/search`) therefore carries a `view_url` with an expiry and
an HMAC-SHA256 signature of the document id and expiry; the access check lets that
one GET through without a key. The signing secret is `REPORTQA_LINK_SECRET`, or a
random one kept beside the index (`<index_dir>.link-secret`, created once, so every
worker on the machine shares it); never derived from the keys, whose hashes a keys
file may show.
Without keys the links are plain (nothing to sign).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qs

from service.qa.contract import AlsoIn, AskResponse, Citation, SearchHit, SearchResponse
from service.settings import Settings

LINK_TTL_SECONDS = 24 * 3600  # long enough to read an answer's sources the same day
_VIEW_PATH = re.compile(r"^/documents/([0-9a-f]{16})/view$")


def link_secret(settings: Settings) -> bytes:
    """The configured secret, else the one kept beside the index (made on first use)."""
    if settings.link_secret is not None:
        return settings.link_secret.get_secret_value().encode()
    path = Path(f"{settings.index_dir}.link-secret")
    if not path.exists():
        # Written whole under another name, then linked: a worker starting at the same
        # moment reads either nothing (and links its own, which fails) or the whole file.
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        try:
            os.link(staged, path)
        except FileExistsError:
            pass
        finally:
            staged.unlink()
    return path.read_bytes()


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
        moment = now if now is not None else time.time()
        # Never valid past the TTL from now, whatever expiry a link claims.
        if not moment <= expires <= moment + self.ttl_seconds or not signature.isascii():
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
