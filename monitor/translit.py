"""Russian names in Latin letters, and ids made from names: shared by the matcher's candidate
finder (rules.yaml ids) and source discovery (sources.yaml names), so neither reaches into the
other."""

from __future__ import annotations

import re
import unicodedata

TRANSLITERATION: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
"""Russian letters in Latin, as the English-language press spells Russian names (a BGN/PCGN
style without diacritics: "Zhigulevskaya", "Naberezhnye Chelny")."""


def transliterate(text: str) -> str:
    out = []
    for char in text:
        latin = TRANSLITERATION.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin[:1].upper() + latin[1:] if char.isupper() else latin)
    return "".join(out)


def slug(name: str) -> str:
    """An id for rules.yaml: the name transliterated, lower-case, words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", transliterate(name)).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.decode().lower()).strip("-") or "candidate"
