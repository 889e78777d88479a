"""API keys with scopes, and the scope each route needs.

When no key is configured the query routes are open (a laptop or a trusted
network) and the admin routes are refused. When keys are configured, every route
except the public ones needs a key, sent as `Authorization: Bearer KEY` or
`X-API-Key: KEY`: 401 when it is missing or unknown, 403 when its scopes do not
cover the route. Keys are held only as SHA-256 digests and compared in constant
time; logs and metrics carry a key's name, never the key.

Scopes: `query` (/ask, /search, /documents, /docs), `admin` (reload, ingestion;
implies every other scope) and `metrics` (/metrics, for a scraper).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from service.api.ratelimit import parse_rate
from service.errors import ConfigurationError
from service.settings import Settings

KeyScope = Literal["query", "admin", "metrics"]
MIN_KEY_LENGTH = 16

# Static assets of the demo page and the chat widget carry no data, and browsers
# fetch them without custom headers; the API calls they make are checked as usual.
PUBLIC_PATHS = frozenset({"/health", "/ready", "/", "/widget.js", "/widget.css", "/favicon.ico"})
PUBLIC_PREFIXES = ("/static/",)


def required_scope(method: str, path: str) -> KeyScope | None:
    """The scope a request needs, or None for a public route."""
    path = path.rstrip("/") or "/"
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if (
        path == "/admin"
        or path.startswith("/admin/")
        or (method == "POST" and path == "/documents")
        or (method == "DELETE" and path.startswith("/documents/"))
    ):
        return "admin"
    if path == "/metrics":
        return "metrics"
    # Default deny: any other route, including ones added later, needs a query key.
    return "query"


def key_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def new_key() -> str:
    """A fresh random key (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ApiKey:
    name: str
    digest: bytes
    scopes: frozenset[str]
    rate_limit: str | None = None

    def allows(self, scope: KeyScope) -> bool:
        return scope in self.scopes or "admin" in self.scopes

    def __repr__(self) -> str:  # never show the digest
        return f"ApiKey(name={self.name!r}, scopes={sorted(self.scopes)})"


def _query_only() -> list[KeyScope]:
    return ["query"]


class KeyFileEntry(BaseModel):
    """One key in the keys file: the key itself or its SHA-256 (hex), never both."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=64, pattern=r"^[\w.@-]+$")
    key: SecretStr | None = Field(None, min_length=MIN_KEY_LENGTH)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    scopes: list[KeyScope] = Field(default_factory=_query_only, min_length=1)
    rate_limit: str | None = None

    @model_validator(mode="after")
    def _one_secret(self) -> KeyFileEntry:
        if (self.key is None) == (self.sha256 is None):
            raise ValueError("give exactly one of 'key' or 'sha256'")
        return self


class KeysFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[KeyFileEntry]


def _keys_from_env(raw: str) -> list[ApiKey]:
    keys = []
    for number, item in enumerate((part.strip() for part in raw.split(",")), start=1):
        if not item:
            continue
        secret, scopes = item, ["query"]
        head, sep, tail = item.rpartition(":")
        if sep and tail and all(s in ("query", "admin", "metrics") for s in tail.split("+")):
            secret, scopes = head, tail.split("+")
        if len(secret) < MIN_KEY_LENGTH:
            raise ConfigurationError(
                f"REPORTQA_API_KEYS: key #{number} is shorter than {MIN_KEY_LENGTH} characters"
            )
        keys.append(ApiKey(f"env-{number}", key_digest(secret), frozenset(scopes)))
    return keys


def _keys_from_file(path: Path) -> list[ApiKey]:
    try:
        parsed = KeysFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise ConfigurationError(f"{path}: API keys file not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"{path}: API keys file unreadable ({exc})") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"{path}: invalid API keys file ({problems})") from exc
    keys = []
    for entry in parsed.keys:
        if entry.rate_limit:
            parse_rate(entry.rate_limit, f"{path}: key {entry.name!r} rate_limit")
        digest = (
            key_digest(entry.key.get_secret_value())
            if entry.key is not None
            else bytes.fromhex(entry.sha256 or "")
        )
        keys.append(ApiKey(entry.name, digest, frozenset(entry.scopes), entry.rate_limit))
    return keys


class KeyRing:
    """The configured keys; empty means access control is off."""

    def __init__(self, keys: Sequence[ApiKey] = ()) -> None:
        names = [k.name for k in keys]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigurationError(f"API key names must be unique: {', '.join(duplicates)}")
        self._keys = tuple(keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        keys: list[ApiKey] = []
        if settings.api_keys is not None:
            keys += _keys_from_env(settings.api_keys.get_secret_value())
        if settings.api_keys_file is not None:
            keys += _keys_from_file(settings.api_keys_file)
        return cls(keys)

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    @property
    def has_rate_limits(self) -> bool:
        return any(key.rate_limit for key in self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def identify(self, presented: str) -> ApiKey | None:
        """The key matching `presented`, comparing digests in constant time.

        Every configured key is compared, so the time taken does not reveal which
        (or whether any) key matched.
        """
        candidate = key_digest(presented)
        found = None
        for key in self._keys:
            if hmac.compare_digest(candidate, key.digest) and found is None:
                found = key
        return found
