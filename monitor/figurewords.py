"""Word lists the figure reader needs besides the rules: data only, no logic.

Kept out of rules.yaml because they describe the languages, not what a user monitors."""

from __future__ import annotations

REFERENCES: dict[str, tuple[str, ...]] = {
    "ru": ("число", "количество", "показатель", "прогноз", "итог"),
    "en": ("number", "figure", "total", "forecast", "count"),
    "de": ("Zahl", "Anzahl", "Prognose", "Gesamtzahl"),
}
"""Words by which a sentence refers back to the figure of the sentence before it ("их число
выросло до 86", "Годовой прогноз составляет 10,8 млрд"): with one of them, a figure whose
own sentence names no metric takes the previous sentence's."""

GERMAN_LINKS: tuple[str, ...] = ("s", "es", "n", "en", "")
"""Linking letters (Fugenelemente) a German compound may put after its first part:
"Investition-s-volumen", "Arbeit-s-platz"."""

GERMAN_MEASURES: tuple[str, ...] = (
    "volumen", "zahl", "anzahl", "summe", "betrag", "wert", "höhe", "menge", "bestand",
    "niveau", "quote")
"""Second parts that say "how much of" the first: "Investitionsvolumen", "Bewohnerzahl",
"Mitarbeiterzahl". Only before one of these does a compound count what its first part
names; otherwise its head, the last part, decides ("Gesamtfläche" is a Fläche)."""

NOT_PLURALS: frozenset[str] = frozenset("""
was is has does as this thus plus less its his hers yes us across always perhaps unless
whereas besides sometimes times various previous famous numerous serious process access
success business analysis basis status campus bonus census consensus gas bus ours yours
""".split())
"""English words in -s that are no plural noun a number could count ("120 was the figure",
"1,500 as of May")."""
