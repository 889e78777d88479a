"""Whole responses to repeated questions, for one index version."""

from __future__ import annotations

import threading

from cachetools import LRUCache

from service.qa.contract import AskRequest, AskResponse


class AskCache:
    """Thread-safe LRU of responses keyed by the whole request and the index version."""

    def __init__(self, size: int) -> None:
        self._lru: LRUCache[tuple[str, str], AskResponse] | None = (
            LRUCache(maxsize=size) if size > 0 else None
        )
        self._lock = threading.Lock()

    @staticmethod
    def key(request: AskRequest, index_version: str) -> tuple[str, str]:
        return request.model_dump_json(), index_version

    def get(self, request: AskRequest, index_version: str) -> AskResponse | None:
        if self._lru is None:
            return None
        with self._lock:
            return self._lru.get(self.key(request, index_version))

    def put(self, request: AskRequest, index_version: str, response: AskResponse) -> None:
        if self._lru is None:
            return
        with self._lock:
            self._lru[self.key(request, index_version)] = response
