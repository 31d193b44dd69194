"""Bytes from the network into text, for feeds and article pages alike.

Left to itself feedparser reads a feed with one invalid UTF-8 byte as iso-8859-2 and an
undeclared cp1251 or koi8-r feed as windows-1252: a whole Russian feed turns into mojibake and
nothing matches. So we decide, in this order:

1. what the document declares: a byte-order mark, the HTTP `charset`, the XML declaration
   (and, for HTML pages, `<meta charset>`), when the bytes decode under it;
2. UTF-8, the encoding of nearly every feed: strictly, or with the bad bytes replaced when only
   a few are bad (one broken byte must not cost a feed its text);
3. a statistical detector (charset-normalizer), for undeclared legacy encodings;
4. UTF-8 with replacement, when even the detector has no answer.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
"""UTF-32 LE first: its mark starts with UTF-16 LE's."""
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_TEXT_DECLARATION = re.compile(r"^(\s*<\?xml[^>]*?\s)encoding\s*=\s*[\"'][^\"']*[\"']")
_ASCII = bytes(range(0x80))
BAD_BYTES_TOLERATED = 0.02
"""At most this share of the non-ASCII bytes may be invalid UTF-8 for the document to be read
as UTF-8 with them replaced; a legacy single-byte encoding fails on nearly all of them."""


def header_charset(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type header."""
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _codec(name: str | bytes | None) -> str | None:
    if isinstance(name, bytes):
        name = name.decode("ascii", "replace")
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, content_type: str | None = None, *, html: bool = False) -> str:
    """Decode a fetched document by the order in the module docstring."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, "replace")
    head = body[:4096]
    declared = [header_charset(content_type), _group(_XML_DECLARATION, head)]
    if html:
        declared.append(_group(_META_CHARSET, head))
    for name in declared:
        encoding = _codec(name)
        if encoding is None or encoding.startswith("utf-16") or encoding.startswith("utf-32"):
            continue  # a 16-bit declaration in a document that has no BOM is wrong
        if encoding == "utf-8":
            break  # UTF-8 declared: step 2 decides how many bad bytes it tolerates
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue  # the declaration is wrong; let the bytes speak
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    replaced = body.decode("utf-8", "replace")
    bad = replaced.count("\ufffd") - body.count("\ufffd".encode())
    if bad <= BAD_BYTES_TOLERATED * len(body.translate(None, _ASCII)):
        return replaced
    best = charset_normalizer.from_bytes(body).best()
    return str(best) if best is not None else replaced


def as_utf8_xml(text: str) -> bytes:
    """The document as UTF-8 bytes whose XML declaration (if any) says so, for parsers that
    read the declaration again (feedparser)."""
    return _TEXT_DECLARATION.sub(r'\1encoding="utf-8"', text, count=1).encode("utf-8")


def _group(pattern: re.Pattern[bytes], head: bytes) -> bytes | None:
    match = pattern.search(head)
    return match.group(1) if match else None
