"""Bytes from the network into text, for feeds and article pages alike.

Left to itself feedparser reads a feed with one invalid UTF-8 byte as iso-8859-2 and an
undeclared cp1251 or koi8-r feed as windows-1252: a whole Russian feed turns into mojibake and
nothing matches. So we decide, in this order:

1. what the document declares: a byte-order mark, the HTTP `charset`, the XML declaration
   (and, for HTML pages, `<meta charset>`), when the bytes decode under it;
2. UTF-8, the encoding of nearly every feed: strictly, or with the bad bytes replaced when only
   a few are bad (one broken byte must not cost a feed its text);
3. for bytes that are mostly Cyrillic letters, cp1251 or koi8-r (see `_cyrillic`): a
   detector guesses wrong on short texts (a feed titled «Сколково» came out as box drawing);
4. a statistical detector (charset-normalizer), for other undeclared legacy encodings;
5. UTF-8 with replacement, when even the detector has no answer.
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
    cyrillic = _cyrillic(body)
    if cyrillic is not None:
        return body.decode(cyrillic, "replace")
    best = charset_normalizer.from_bytes(body).best()
    return str(best) if best is not None else replaced


_LATIN_LETTERS = bytes(range(0x41, 0x5B)) + bytes(range(0x61, 0x7B))
_NOT_HIGH = bytes(range(0xC0))
_NOT_UPPER_HALF = bytes(range(0xE0))
_MARKUP = re.compile(rb"<[^<>]*>")
CYRILLIC_SHARE = 0.3
"""Bytes 0xC0-0xFF must be at least this share of the letters for a text to count as Cyrillic
in a single-byte encoding. German or French in Latin-1 has a few per cent (ä, é, ß), Russian
well over half."""


def _cyrillic(body: bytes) -> str | None:
    """cp1251 or koi8-r for undeclared bytes that are mostly Cyrillic letters, else None.

    Both encodings put the Cyrillic letters in 0xC0-0xFF, lower case in the upper half
    (0xE0-0xFF) in cp1251 and in the lower half in koi8-r; running text is mostly lower case,
    so the half that holds most of those bytes tells the two apart, on a single word too.
    (Greek and other non-Latin single-byte encodings are not told apart from these: such a
    feed must declare its charset.)"""
    text = _MARKUP.sub(b" ", body)  # the letters of tag names are not the document's text
    high = len(text.translate(None, _NOT_HIGH))
    latin = len(text) - len(text.translate(None, _LATIN_LETTERS))
    if high < 3 or high < CYRILLIC_SHARE * (high + latin):
        return None
    upper_half = len(text.translate(None, _NOT_UPPER_HALF))
    return "cp1251" if upper_half * 2 >= high else "koi8-r"


def as_utf8_xml(text: str) -> bytes:
    """The document as UTF-8 bytes whose XML declaration (if any) says so, for parsers that
    read the declaration again (feedparser)."""
    return _TEXT_DECLARATION.sub(r'\1encoding="utf-8"', text, count=1).encode("utf-8")


def _group(pattern: re.Pattern[bytes], head: bytes) -> bytes | None:
    match = pattern.search(head)
    return match.group(1) if match else None
