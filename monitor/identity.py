"""Which article is this? Stable identity across polls, so re-polling adds nothing.

An entry is known by its guid, else by its canonical URL, else by a hash of its content. The
canonical URL drops what changes between two links to the same page: the case of the scheme
and host, default ports, fragments and tracking parameters.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "yclid", "ysclid", "msclkid", "mc_cid",
    "mc_eid", "_openstat", "igshid", "rb_clickid", "from", "ref", "ref_src", "spm",
})


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("utm_", "_hs", "vero_")) or lowered in TRACKING_PARAMS


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and (scheme, parts.port) not in (("http", 80),
                                                                     ("https", 443)) else None
    netloc = f"{host}:{port}" if port else host
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _is_tracking(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()


def article_key(guid: str | None, url: str | None, digest: str) -> str:
    """The identity stored in `articles.key`, unique per source."""
    if guid and guid.strip():
        return f"guid:{guid.strip()}"
    if url:
        return f"url:{canonical_url(url)}"
    return f"hash:{digest}"
