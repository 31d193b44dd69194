"""Word lists that `link` reads sentence structure by: what names a kind of organisation, what
says a figure is about a whole country, region, sector or programme, and which small words may
stand between a figure and the organisation its noun phrase names.

Kept apart from the logic so a user or a new language adds words here without touching code.
Phrases are matched like aliases (lemmas for Russian, stems for English and German); the sets
of surface words (`PLURAL_KIND_WORDS`, `LINK_WORDS`) are compared with the case-folded word as
written, because there the inflection itself is the signal.
"""

from __future__ import annotations

KIND_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "technopark": {
        "ru": ("технопарк", "технологический парк", "технопарк в сфере высоких технологий"),
        "en": ("technopark", "technology park", "tech park", "technopark in the sphere of "
               "high technologies"),
        "de": ("Technopark", "Technologiepark"),
    },
    "it_park": {
        "ru": ("IT-парк", "ИТ-парк", "айти-парк", "парк высоких технологий"),
        "en": ("IT park", "IT-Park", "high-tech park", "hi-tech park"),
        "de": ("IT-Park", "Hightech-Park"),
    },
    "sez": {
        "ru": ("особая экономическая зона", "ОЭЗ", "зона",
               "особая экономическая зона технико-внедренческого типа",
               "особая экономическая зона промышленно-производственного типа", "ОЭЗ ТВТ"),
        "en": ("special economic zone", "SEZ", "zone",
               "special economic zone of the technology and innovation type",
               "special economic zone of the technical and innovation type",
               "technology and innovation special economic zone"),
        # German abbreviates the zone as "SWZ" or "SEZ", or transliterates ОЭЗ as "OEZ".
        "de": ("Sonderwirtschaftszone", "Sonderwirtschaftszone des technologisch-innovativen "
               "Typs", "Wirtschaftssonderzone", "Zone", "SWZ", "SEZ", "OEZ"),
    },
    "park": {"ru": ("парк",), "en": ("park",), "de": ("Park",)},
    # "Резиденты площадки …" after "на площадке «МИЭТ»": the site named before. A site word
    # only refers back; it resolves no place ("площадка в Москве" is any venue).
    "site": {"ru": ("площадка",), "en": ("site",), "de": ("Standort",)},
    "sez_site": {
        "ru": ("площадка особой экономической зоны", "площадка ОЭЗ"),
        "en": ("SEZ site", "site of the special economic zone"),
        "de": ("Standort der Sonderwirtschaftszone",),
    },
    "industrial_park": {
        "ru": ("индустриальный парк", "промышленный парк", "промпарк"),
        "en": ("industrial park",),
        "de": ("Industriepark", "Gewerbepark"),
    },
    "innovation_centre": {
        "ru": ("инновационный центр", "инновационный научно-технологический центр"),
        "en": ("innovation centre", "innovation center",
               "innovation science and technology centre"),
        "de": ("Innovationszentrum",),
    },
    # "The fund and five NTI working groups have picked …": the fund named before.
    "fund": {"ru": ("фонд",), "en": ("fund", "foundation"), "de": ("Fonds", "Stiftung")},
    # Regional development corporations are registered as kind ministry (they own no figure):
    # "the regional Development Corporation" in an article on the Tula Region is Tula's.
    "ministry": {"ru": ("корпорация развития",), "en": ("development corporation",),
                 "de": ("Entwicklungsgesellschaft",)},
    "science_centre": {
        "ru": ("научно-образовательный центр", "научно-образовательный центр мирового уровня",
               "НОЦ"),
        "en": ("scientific and educational centre", "scientific and educational center",
               "research and education centre", "research and education center"),
        "de": ("wissenschaftlich-pädagogisches Zentrum", "Wissenschafts- und Bildungszentrum"),
    },
}
"""Phrases that name a kind of organisation (the kinds of `config.OrganisationKind`, and
"park": any park, see `KIND_ALSO`). With a place in the same sentence they are a descriptive
mention; alone, "the technopark" refers back to the technopark the article named."""

KIND_ALSO: dict[str, tuple[str, ...]] = {
    "sez": ("sez_site",), "park": ("technopark", "it_park", "industrial_park"),
    "site": ("sez_site",)}
"""A phrase of the key's kind also fits organisations of these kinds: "ОЭЗ в Зеленограде" is
a site of a zone, registered as `sez_site`; "the park" is any kind of park."""

PLURAL_KIND_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("технопарки технопарков технопаркам технопарками технопарках "
                    "зон зонам зонами зонах парки парков паркам парками парках".split()),
    "en": frozenset("technoparks parks zones sezs centres centers".split()),
    "de": frozenset("sonderwirtschaftszonen zonen zentren".split()),
}
"""Plural forms of the kind words' head nouns, by language (only forms that are never
singular: German "Technoparks" is also a genitive singular). A kind word in the plural names
several organisations, "in these technoparks", "в технопарках страны": a figure next to one is
about the group, not about one park."""

AMBIGUOUS_PLURALS: dict[str, frozenset[str]] = {
    "de": frozenset("technoparks technologieparks industrieparks gewerbeparks parks".split()),
}
"""Forms that are a plural or a genitive singular (German "Technoparks"): plural unless one
of `SINGULAR_GENITIVES` comes right before ("des Technoparks")."""

SINGULAR_GENITIVES = frozenset("des eines dieses jenes jedes seines ihres unseres".split())
"""German articles and determiners of a genitive singular."""

COUNT_WORDS = frozenset("""
два две три четыре пять шесть семь восемь девять десять оба обе несколько
двух трёх трех четырёх четырех пяти шести семи восьми девяти десяти нескольких
two three four five six seven eight nine ten several many dozens
zwei drei vier fünf sechs sieben acht neun zehn mehrere viele
""".split())
"""Words that count several: a kind word after one names several parks ("три технопарка",
"six technoparks"); Russian puts it in the singular after два, три, четыре."""

SCOPE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    # The neighbours too, whose parks the registry lists: "134 IT companies were founded in
    # Uzbekistan" is the country's figure, not its IT park's.
    "country": {
        "ru": ("Россия", "РФ", "страна", "по стране", "по всей стране", "субъект федерации",
               "федеральный бюджет", "национальный проект", "нацпроект",
               "Беларусь", "Белоруссия", "Казахстан", "Узбекистан", "Кыргызстан", "Киргизия",
               "Армения", "Азербайджан", "Китай"),
        "en": ("Russia", "country", "nationwide", "countrywide", "federal budget",
               "national project", "across the country", "across the whole country",
               "throughout the country", "all over the country", "in the whole country",
               "Belarus", "Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Armenia", "Azerbaijan",
               "China"),
        "de": ("Russland", "bundesweit", "landesweit", "Bundeshaushalt", "Nationalprojekt",
               "im ganzen Land", "im gesamten Land",
               "Belarus", "Weißrussland", "Kasachstan", "Usbekistan", "Kirgisistan",
               "Armenien", "Aserbaidschan", "China"),
    },
    "part": {
        "ru": ("регион", "отрасль", "сектор", "программа", "правительство", "кабмин",
               "кабинет министров"),
        "en": ("region", "sector", "programme", "program", "government", "cabinet"),
        "de": ("Region", "Branche", "Sektor", "Programm", "Regierung", "Bundesregierung",
               "Kabinett"),
    },
}
"""Words that make a figure's clause about a whole: "country" words ("в технопарках России",
"bundesweit") even when an organisation that announces the total shares the clause; "part"
words (a region, sector or programme, or the government that funds one: "regions
invested", "the high-tech sector of Yakutia", "правительство добавило ещё 14 млрд") only
when no organisation does, since "по программе Фонд «Сколково» выдал гранты" is the fund's
figure. Such a figure belongs to no organisation. Not here: "всего", "in total",
"insgesamt" (in the press they mostly sum one organisation's figures: "всего резиденты зоны
заплатили 3,1 млрд"), "industry" (its stem is that of "industrial")."""

SPEAKER_KINDS = frozenset({"ministry", "association", "university"})
"""Kinds that speak about figures, hand out money or take part rather than own figures: a
ministry announcing a national total is not its subject, "субсидии Минпромторга технопарку"
are the technopark's, and a university in technopark press is a founder, partner or tenant
("в числе резидентов — и сам университет"): a university that runs a park is not the park.
They own no figure."""

LINK_WORDS = frozenset("""
в во у на при из для
of the in at a an s for
der des die dem den im in bei beim von vom am an für
""".split())
"""Small words that may stand between a figure and the organisation its noun phrase names:
"выручка резидентов в ОЭЗ «Алабуга»", "the residents of the Academpark", "Umsatz der
Mieter im Technopark"."""

COORDINATORS = frozenset("и and und sowie".split())
"""Words that join subjects alike: "Академпарк и IT-парк Казани начнут …" is about both, so a
paragraph that continues it is about neither (a comma between names is no word and also
joins them)."""

BRANCH_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("площадка площадки площадке площадку площадкой площадок площадкам "
                    "филиал филиала филиале филиалу филиалом филиалы филиалов".split()),
    "en": frozenset("branch branches site sites campus".split()),
    "de": frozenset("filiale zweigstelle außenstelle ableger standort standorts".split()),
}
"""Words for a branch or site of an organisation, by language, as written: an organisation
named right after one ("a branch of the Kazan IT Park", "вторая площадка казанского
ИТ-парка", "ein Ableger des IT-Parks Kasan") is what the branch belongs to, while the
sentences that follow speak of the branch."""

SOURCE_WORDS = frozenset("из from aus".split())
"""Prepositions that make a country word the source of money, not the scope of a figure: "the
fund received 2 billion rubles from the federal budget" is the fund's figure."""

REGION_REFERENCES: dict[str, frozenset[str]] = {
    "ru": frozenset("республики региона области края".split()),
    "en": frozenset({"of the republic", "of the region"}),
    "de": frozenset({"der republik", "der region"}),
}
"""What may follow a kind word to say it is the park of the region the sentence names, by
language (normalised words joined by spaces): "Глава КБР сообщил, что ИТ-парк республики
создадут …" is the KBR's IT park even after another region's park was named."""

NICKNAME_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("окрестить окрестили окрестил окрестила окрестят окрещ прозва прозвищ "
                    "прозыва".split()),
    "en": frozenset("dubbed nicknamed nickname billed".split()),
    "de": frozenset("spitzname beiname".split()),
}
"""Beginnings of the words that give a place a famous name as a nickname, by language
(compared with the start of the word as written; not "окрест", which also begins
"окрестности"): an organisation named right after one ("окрестить «челябинским Сколково»",
"dubbed the Russian Silicon Valley", "mit dem Spitznamen „sibirisches Skolkowo“") is a
comparison, not a mention."""

NICKNAME_GAP = 4
"""At most this many words, in the clause, between a nickname word and the name: "окрестить
«челябинским Сколково»", "dubbed the campus the Siberian Innopolis"."""

RENAME_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset({"переименов", "новое название", "получил название", "получила название",
                     "носит название", "носит имя"}),
    "en": frozenset({"renamed", "rebranded", "now called", "now named", "new name"}),
    "de": frozenset({"umbenannt", "trägt den namen", "trägt sie den namen", "trägt er den namen",
                     "trägt es den namen", "heißt jetzt", "neuen namen"}),
}
"""Phrases that say an organisation now bears another name, by language (words as written,
each compared with the start of a word): "переименована в", "was renamed", "seit 2017 trägt
sie den Namen". Figures reported under a former name are the organisation's as it is now
called."""

DISTRIBUTIVE_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("каждый каждая каждое каждому каждой каждого каждую каждые каждым "
                    "каждом".split()),
    "en": frozenset("each".split()),
    "de": frozenset("jeder jede jedes jedem jeden jeweils".split()),
}
"""Words, as written, that give a figure to each of several organisations: "Each will
receive 500 million rubles" after "X and Y came second and third" is a figure of X and one
of Y."""

COMPLEMENTISERS = frozenset("что that dass".split())
"""Words, as written, that open reported speech: "told a meeting of the regional government
that their number should grow to 11", "сообщил на заседании правительства региона, что …",
"sagte vor dem Landtag, dass …". Region and country words before one belong to the reporting
frame (who spoke, to whom, where), not to the figure reported after it."""

RESIDENT_WORDS = frozenset("""
резиденты резидентов резидентам резидентами резидентах арендаторы арендаторов
residents tenants
residenten mieter ansiedler
""".split())
"""A park's members, as written in the plural: "the residents planned to put 7 billion
roubles", "резиденты вложат 3 млрд". Only a park has residents, so with no organisation
named in the sentence they are those of the organisation the article is about, whatever
region or budget the sentence also names."""

SUM_WORDS = frozenset("""
вместе суммарно совокупно совокупности
together combined altogether
zusammen gemeinsam zusammengenommen
""".split())
"""Words, as written, that add up the figures of what was just listed: "Together the
newcomers will invest 25.4 billion roubles" after a paragraph on residents of four zones is
a sum over them, no single zone's. Not when "with", "с", "mit" follows: "gemeinsam mit
Geschäftsbanken" joins a partner, it sums nothing."""

POSSESSIVES = frozenset("""
его её ее
its
sein seine seiner seinem seinen seines
""".split())
"""Possessives, as written, that refer to one organisation named just before: "«Омск
Диджитал» разместится на территории завода. Его площадь составит 20 тыс. кв. м" is the
park's area, whatever else the paragraph names. Not the plural "их", "their", "ihr" (also
"her"), which may refer to a list."""

ALL_WORDS = frozenset("""
все всех всем всеми
all
alle aller allen sämtliche sämtlicher sämtlichen
""".split())
"""Words, as written, that quantify over a whole group: "на поддержку всех
центров-победителей направят 1,66 млрд", "all the winning centres will share", "alle
Siegerzentren erhalten". A figure whose clause says so of `GROUP_NOUNS` is the group's, no
single organisation's, unless its clause names one."""

ALL_GAP = 3
"""Words an `ALL_WORDS` word may stand before its noun: "all the winning universities",
"всех 15 центров"."""

GROUP_NOUNS: tuple[str, ...] = (
    "центр", "победител", "призер", "организаци", "учрежден", "вуз", "университет",
    "centre", "center", "winner", "organi", "institution", "universit", "member",
    "zentr", "sieger", "gewinner", "preisträger", "einrichtung", "hochschul", "mitglied",
)
"""Beginnings of the words for organisations taken together that an `ALL_WORDS` word
quantifies. Not "levels" or "time": "в
бюджеты всех уровней", "taxes to budgets at all levels", "die ganze Zeit" quantify no
organisations. Not a park's residents: "все резиденты заработали" is the park's."""

SUM_PARTNERS = frozenset("с со with mit".split())
"""Prepositions after a `SUM_WORDS` word that make it "together with" a partner."""

LENDER_KINDS = frozenset({"development_institution", "fund"})
"""Kinds that may finance another organisation's project (a state bank, a fund): named as
lending to it or holding a share of it, they own their part, not the project's cost."""

FINANCING_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("кредит заём заем займ финансир профинансир софинансир доля долю доли "
                    "долей".split()),
    "en": frozenset("lend lent loan credit financ share stake".split()),
    "de": frozenset("kredit darlehen finanzier anteil beteiligung".split()),
}
"""Beginnings of words, as written, that name lending to a project or holding a share of
it: "Vnesheconombank lends", "der Anteil von VEB.RF", "ВЭБ.РФ выдаст кредит". An
organisation of `LENDER_KINDS` at most `FINANCING_GAP` words from one is a lender."""

FINANCING_GAP = 2
"""At most this many words between a lender and its financing word: "VEB.RF lends",
"Vnesheconombank's share", "der Anteil von VEB.RF", "ВЭБ.РФ выдаст кредит"."""

COST_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("стоимост смет".split()),
    "en": frozenset("cost".split()),
    "de": frozenset("kosten gesamtkosten projektkosten baukosten".split()),
}
"""Beginnings of words, as written, that name what a project costs as a whole: "the total
cost of the project", "die Gesamtkosten", "общая стоимость проекта". A lender owns no such
figure: the project is the borrower's, or nobody's the registry knows."""
