"""The word tables of candidate detection (`candidates.py`): the words that say what kind of
organisation a phrase names, and the little else a name is recognised and spelt by.

Data only, so a kind word the press uses and these lists lack is added here, not in logic.
Each spelling is written in the nominative singular: it is both what an article's words are
compared with (by lemma or stem, as aliases are) and what a suggested alias starts with.
"""

from __future__ import annotations

KIND_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "technopark": ("технопарк", "технополис", "научный парк", "научно-технологический парк"),
        "it_park": ("IT-парк", "ИТ-парк", "айти-парк", "IT-технопарк", "ИТ-технопарк",
                    "парк высоких технологий"),
        "industrial_park": ("индустриальный парк", "промышленный парк", "промпарк",
                            "индустриальный технопарк"),
        "sez": ("ОЭЗ", "особая экономическая зона"),
        "innovation_centre": ("инновационный центр", "инновационный кластер"),
        "science_centre": ("НОЦ", "научно-образовательный центр"),
        "fund": ("фонд",),
    },
    "en": {
        "technopark": ("technopark", "technology park", "tech park", "science park",
                       "technopolis"),
        "it_park": ("IT park", "IT technopark", "high-tech park", "hi-tech park",
                    "high technologies park", "high technology park"),
        "industrial_park": ("industrial park",),
        "sez": ("SEZ", "special economic zone"),
        "innovation_centre": ("innovation centre", "innovation center"),
        "science_centre": ("scientific and educational centre",
                           "scientific and educational center",
                           "research and education centre", "research and education center"),
        "fund": ("fund", "foundation"),
    },
    "de": {
        "technopark": ("Technopark", "Technologiepark", "Wissenschaftspark"),
        "it_park": ("IT-Park", "Hightech-Park"),
        "industrial_park": ("Industriepark", "Gewerbepark"),
        "sez": ("Sonderwirtschaftszone", "Wirtschaftssonderzone", "SWZ"),
        "innovation_centre": ("Innovationszentrum",),
        "fund": ("Fonds", "Stiftung"),
    },
}
"""Language -> organisation kind (`config.OrganisationKind`) -> the spellings that name it."""

ENGLISH_KINDS: dict[str, str] = {
    "technopark": "Technopark",
    "it_park": "IT Park",
    "industrial_park": "Industrial Park",
    "sez": "Special Economic Zone",
    "innovation_centre": "Innovation Centre",
    "science_centre": "Scientific and Educational Centre",
    "fund": "Fund",
}
"""How an English alias guessed for a Russian candidate names its kind ("Rodina Technopark")."""

PREPOSITIONS: dict[str, frozenset[str]] = {
    "ru": frozenset({"в", "во"}),
    "en": frozenset({"in"}),
    "de": frozenset({"in", "im"}),
}
"""A kind word followed by one of these and a place names one organisation: "IT-парк в
Набережных Челнах", "the technopark in Dubna", "Technopark im Akademgorodok"."""

DESCRIBING: dict[str, tuple[str, ...]] = {
    "ru": ("первый", "второй", "крупнейший", "единственный", "лучший", "ведущий", "старейший"),
    "en": ("first", "second", "largest", "biggest", "only", "best", "leading", "oldest"),
    "de": ("erste", "zweite", "größte", "einzige", "beste", "führende", "älteste"),
}
"""Words before a kind word that make "kind word in a place" a description, not a name: "the
first technopark in the Far East", "крупнейший технопарк в Сибири"."""

NAMED_AFTER: frozenset[str] = frozenset({"им", "имени"})
"""After a kind word, these and a person's name are a name: "технопарк им. Попова"."""

PLACE_ARTICLES: frozenset[str] = frozenset({"the"})
"""Words allowed between the preposition and a place: "the technopark in the Tomsk Region"."""

NOT_NAMES: frozenset[str] = frozenset("""
the a an this that these those its their our his her your my which what whose
in at on of for by with from to into as and or but about after before since
new first second third largest biggest main only every each other another such same
russian federal regional national state local municipal city country government
der die das dem den des ein eine einem einen einer eines im am zum zur vom beim und oder
neue neuen neuer neues erste ersten erster russische russischen russischer
dieser diese dieses diesem diesen jeder jede jedes
russia russland russlands россия россии россию россией рф
january february march april may june july august september october november december
januar februar märz mai juni juli oktober dezember
твт ппт тт
""".split())
"""Capitalised words that start a sentence, describe or date without naming, so they are
never taken for a name: "The technopark", "Russian IT parks", "Sonderwirtschaftszone
Russlands", "the fund in March", "ОЭЗ ТВТ" (технико-внедренческого типа: a type of zone)."""

PERSON_TAGS: frozenset[str] = frozenset({"Name", "Surn", "Patr"})
"""pymorphy3 tags of a first name, surname or patronymic: "директор технополиса Алексей
Грушин" names a person after the kind word, not the organisation."""

NAME_WORDS = 3
"""At most this many capitalised words are a name without quotes: "Technopark Dubna",
"Moscow Innovation Cluster Fund" stops at three."""

QUOTED_WORDS = 8
"""At most this many words in quotes are a name: longer quoted text is a quotation."""

CLOSING_QUOTES: dict[str, str] = {"«": "»", '"': '"', "„": "“”", "“": "”", "'": "'",
                                  "‘": "’", "‹": "›"}
"""Opening quote -> the characters that close it."""

HEAD_VARIANTS: dict[str, tuple[str, ...]] = {
    # A ministry is named by its minister's title as often as by its own name: "заместитель
    # министра экономического развития", "Kazakhstan's Minister of Industry", "der Minister
    # für wirtschaftliche Entwicklung" are that ministry speaking.
    "министерство": ("министр",),
    "ministry": ("minister",),
    "ministerium": ("minister",),
    # German translations of a Russian "ассоциация"/"корпорация" in a name vary by writer.
    "verband": ("assoziation", "vereinigung"),
    "entwicklungsgesellschaft": ("entwicklungskorporation",),
}
"""First word of an alias (case folded) -> other first words the press writes for the same
body; the matcher adds each alias with them, so one alias per name covers the family."""

TAIL_VARIANTS: dict[str, tuple[str, ...]] = {
    "Российской Федерации": ("России", "РФ"),
}
"""Last words of an alias -> the other ways the press names the same country there
("Министерство экономического развития России" for "… Российской Федерации")."""
