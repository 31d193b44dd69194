"""Deterministic test data for the benchmark: organisations and mixed-language articles.

Why generated and not real: the benchmark needs 10,000 organisations with distinct names, and
the same articles for every rules size, so that the only thing that changes between runs is the
number of organisations. A seeded `random.Random` makes every run read the same text.

Names are invented words built from syllables, written in Cyrillic and in a Latin
transliteration. They are kept distinct also in the form the matcher compares
(`monitor.morph.form`: Russian lemma, English and German stem), so adding organisations never
makes an article find more names: every run finds exactly the mentions of the first ten.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from monitor.config import Organisation
from monitor.morph import form

MENTIONED = 10
"""Articles mention only the first this many organisations, present in every run."""

# Consonant-vowel syllables, Cyrillic and Latin; each Latin spelling parses one way only, so
# distinct Cyrillic names have distinct transliterations.
_SYLLABLES = [
    ("ка", "ka"), ("ро", "ro"), ("ми", "mi"), ("та", "ta"), ("лу", "lu"), ("не", "ne"),
    ("во", "vo"), ("за", "za"), ("би", "bi"), ("до", "do"), ("ге", "ge"), ("су", "su"),
    ("ри", "ri"), ("па", "pa"), ("но", "no"), ("ле", "le"), ("ти", "ti"), ("ве", "ve"),
    ("мо", "mo"), ("ра", "ra"), ("са", "sa"), ("ду", "du"), ("ки", "ki"), ("фе", "fe"),
]
# Names end in a consonant, so the Russian name in an alias is a masculine noun in the
# nominative, and its lemma is the name itself.
_ENDINGS = [("н", "n"), ("р", "r"), ("л", "l"), ("с", "s"), ("т", "t"), ("м", "m"),
            ("к", "k"), ("д", "d")]


@dataclass(frozen=True)
class Kind:
    """A type of organisation: how its name is written, and inflected, in each language."""

    ru_title: str
    """The Russian head noun as the main alias writes it."""
    ru: dict[str, str]
    """The Russian head noun by case in running text: nom, gen, dat, acc, ins, loc."""
    ru_quoted: bool
    """Whether the name follows in «quotes» in the main alias."""
    ru_second: str
    """A second Russian alias; {name} is the Cyrillic name."""
    ru_second_forms: dict[str, str]
    """The second alias by case, as articles write it."""
    en: str
    de_alias: str
    de: dict[str, str]
    """German with article by case: nom, gen, dat, in ('im Technopark X')."""


KINDS = [
    Kind(ru_title="Технопарк",
         ru={"nom": "технопарк", "gen": "технопарка", "dat": "технопарку", "acc": "технопарк",
             "ins": "технопарком", "loc": "технопарке"},
         ru_quoted=True,
         ru_second="Технопарк в сфере высоких технологий «{name}»",
         ru_second_forms={"nom": "технопарк в сфере высоких технологий «{name}»",
                          "gen": "технопарка в сфере высоких технологий «{name}»",
                          "loc": "технопарке в сфере высоких технологий «{name}»"},
         en="{name} Technopark",
         de_alias="Technopark {name}",
         de={"nom": "der Technopark {name}", "gen": "des Technoparks {name}",
             "dat": "dem Technopark {name}", "in": "im Technopark {name}"}),
    Kind(ru_title="ИТ-парк",
         ru={"nom": "ИТ-парк", "gen": "ИТ-парка", "dat": "ИТ-парку", "acc": "ИТ-парк",
             "ins": "ИТ-парком", "loc": "ИТ-парке"},
         ru_quoted=False,
         ru_second="ИТ-парк имени {name}а",
         ru_second_forms={"nom": "ИТ-парк имени {name}а", "gen": "ИТ-парка имени {name}а",
                          "loc": "ИТ-парке имени {name}а"},
         en="{name} IT Park",
         de_alias="IT-Park {name}",
         de={"nom": "der IT-Park {name}", "gen": "des IT-Parks {name}",
             "dat": "dem IT-Park {name}", "in": "im IT-Park {name}"}),
    Kind(ru_title="ОЭЗ",
         ru={"nom": "ОЭЗ", "gen": "ОЭЗ", "dat": "ОЭЗ", "acc": "ОЭЗ", "ins": "ОЭЗ", "loc": "ОЭЗ"},
         ru_quoted=True,
         ru_second="Особая экономическая зона «{name}»",
         ru_second_forms={"nom": "особая экономическая зона «{name}»",
                          "gen": "особой экономической зоны «{name}»",
                          "loc": "особой экономической зоне «{name}»"},
         en="{name} SEZ",
         de_alias="Sonderwirtschaftszone {name}",
         de={"nom": "die Sonderwirtschaftszone {name}",
             "gen": "der Sonderwirtschaftszone {name}",
             "dat": "der Sonderwirtschaftszone {name}",
             "in": "in der Sonderwirtschaftszone {name}"}),
]


@dataclass(frozen=True)
class GeneratedOrganisation:
    """An organisation of the rules, and how the articles write its name."""

    rules: Organisation
    kind: Kind
    cyrillic: str
    latin: str

    def ru(self, case: str, rng: random.Random) -> str:
        """The name in a Russian case, as the press writes it: quoted or not, main or long form."""
        if case in self.kind.ru_second_forms and rng.random() < 0.25:
            return self.kind.ru_second_forms[case].format(name=self.cyrillic)
        quoted = self.kind.ru_quoted or rng.random() < 0.5
        name = f"«{self.cyrillic}»" if quoted else self.cyrillic
        return f"{self.kind.ru[case]} {name}"

    def en(self, rng: random.Random) -> str:
        return self.kind.en.format(name=self.latin)

    def de(self, case: str, rng: random.Random) -> str:
        return self.kind.de[case].format(name=self.latin)


def _names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` (Cyrillic, Latin) names, distinct as written and as the matcher reduces them.

    A name whose lemma is not the name itself is refused: it is an inflected real word
    ("Парок" has the lemma "парка", genitive of "парк"), and a rule word that is also a lemma
    of common words changes how those words are read in every article (the matcher picks, of
    a word's possible lemmas, one its rules use), so such a name would make the runs differ
    in more than size."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(out) < count:
        syllables = rng.sample(_SYLLABLES, rng.choice((2, 3, 3)))
        ending = rng.choice(_ENDINGS)
        cyrillic = "".join(s[0] for s in syllables) + ending[0]
        latin = "".join(s[1] for s in syllables) + ending[1]
        lemma = form(cyrillic)
        if lemma != cyrillic or form(cyrillic + "а") != lemma:
            continue
        reduced = {lemma, form(latin, "en"), form(latin, "de")}
        if reduced & seen:
            continue
        seen |= reduced
        out.append((cyrillic.capitalize(), latin.capitalize()))
    return out


def organisations(count: int, seed: int = 1) -> list[GeneratedOrganisation]:
    """`count` organisations of the three kinds, about four aliases each (two ru, en, de)."""
    rng = random.Random(seed)
    out = []
    for index, (cyrillic, latin) in enumerate(_names(count, rng)):
        kind = KINDS[index % len(KINDS)]
        main = f"{kind.ru_title} «{cyrillic}»"
        rules = Organisation(
            id=f"org-{index:05d}",
            name=main,
            aliases={"ru": [main, kind.ru_second.format(name=cyrillic)],
                     "en": [kind.en.format(name=latin)],
                     "de": [kind.de_alias.format(name=latin)]},
        )
        out.append(GeneratedOrganisation(rules, kind, cyrillic, latin))
    return out


# --------------------------------------------------------------------------- figures

_MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
_MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
              "September", "Oktober", "November", "Dezember"]


def _thousands(value: int, separator: str) -> str:
    return f"{value:,}".replace(",", separator)


def _figures(language: str, rng: random.Random) -> dict[str, str]:
    """One value of every kind of figure the templates use, written as the language writes it."""
    whole, tenth = rng.randint(1, 19), rng.randint(1, 9)
    millions = rng.randint(12, 950)
    count, count2 = rng.randint(20, 900), rng.randint(1_000, 25_000)
    area = rng.randint(3, 120) * 1_000
    year = rng.randint(2019, 2025)
    day, month = rng.randint(1, 28), rng.randrange(12)
    percent = rng.randint(3, 45)
    if language == "ru":
        money = rng.choice([f"{whole},{tenth} млрд рублей", f"{millions} млн рублей",
                            f"{whole},{tenth} млрд руб.", f"более {millions} млн рублей"])
        return {"money": money, "count": str(count), "count2": _thousands(count2, "\u00a0"),
                "area": rng.choice([f"{area // 1000} тыс. кв. м", f"{_thousands(area, ' ')} кв. м",
                                    f"{area // 1000} тысяч квадратных метров"]),
                "year": str(year), "year2": str(year + rng.randint(2, 6)), "pct": f"{percent}%",
                "date": f"{day} {_MONTHS_RU[month]} {year} года"}
    if language == "en":
        money = rng.choice([f"{whole}.{tenth} billion rubles", f"RUB {millions} million",
                            f"{millions} million rubles", f"${rng.randint(2, 90)} million"])
        return {"money": money, "count": str(count), "count2": _thousands(count2, ","),
                "area": rng.choice([f"{_thousands(area, ',')} square metres",
                                    f"{_thousands(area, ',')} sq m"]),
                "year": str(year), "year2": str(year + rng.randint(2, 6)), "pct": f"{percent}%",
                "date": f"{_MONTHS_EN[month]} {day}, {year}"}
    money = rng.choice([f"{whole},{tenth} Milliarden Rubel", f"{millions} Mio. Rubel",
                        f"{whole},{tenth} Mrd. Rubel", f"{millions} Millionen Rubel"])
    return {"money": money, "count": str(count), "count2": _thousands(count2, "."),
            "area": rng.choice([f"rund {_thousands(area, '.')} Quadratmeter",
                                f"{_thousands(area, '.')} m²"]),
            "year": str(year), "year2": str(year + rng.randint(2, 6)), "pct": f"{percent} Prozent",
            "date": f"{day}. {_MONTHS_DE[month]} {year}"}


# --------------------------------------------------------------------------- sentences

# {org:case} is an organisation mention in that case; other fields are figures.
_RU_ORG = [
    "По итогам {year} года выручка резидентов {org:gen} составила {money}.",
    "Сейчас в {org:loc} работают более {count} компаний-резидентов и {count2} сотрудников.",
    "{org:nom} получил новый статус {date}, сообщили в пресс-службе регионального "
    "министерства.",
    "Общая площадь {org:gen} составляет {area}, еще часть корпусов находится в стадии "
    "строительства.",
    "Объем инвестиций в проекты {org:gen} за {year} год превысил {money}.",
    "Резиденты {org:gen} создали {count} новых рабочих мест, средняя зарплата выросла на {pct}.",
    "Налоговые отчисления резидентов {org:gen} в {year} году составили {money}.",
    "Руководство {org:gen} планирует до {year2} года увеличить число резидентов до {count}.",
    "Губернатор посетил {org:acc} {date} и осмотрел новые лаборатории и цеха.",
    "С {org:ins} сотрудничают {count} вузов и научных организаций региона.",
    "По словам директора, {org:dat} выделят субсидию в размере {money} на строительство "
    "нового корпуса.",
    "Выручка компаний {org:gen} за девять месяцев выросла на {pct} и достигла {money}.",
]
_RU_FILLER = [
    "Региональные власти рассчитывают, что программа поддержки высокотехнологичных компаний "
    "будет продлена до {year2} года.",
    "Эксперты отмечают устойчивый рост спроса на офисные и производственные помещения.",
    "На заседании обсудили развитие инфраструктуры, подготовку кадров и экспорт продукции.",
    "В {year} году в регионе открылись {count} новых производств, сообщает министерство.",
    "Участники рынка ожидают, что ставки аренды в ближайшие годы вырастут на {pct}.",
    "Заявки на участие в конкурсе принимаются до {date}.",
    "Инвесторы проявляют интерес к проектам в области микроэлектроники и биотехнологий.",
    "Аналитики связывают рост с импортозамещением и спросом со стороны крупных заказчиков.",
]
_EN_ORG = [
    "Revenue of resident companies at {org} reached {money} in {year}.",
    "{org} now hosts more than {count} resident companies employing {count2} people.",
    "The {org} was granted a new status on {date}, the regional ministry said.",
    "The total area of {org} is {area}, with more buildings under construction.",
    "Investment in {org} projects exceeded {money} last year.",
    "Residents of {org} created {count} new jobs, and average wages rose by {pct}.",
    "Tax payments by {org} tenants amounted to {money} in {year}.",
    "The management of {org} plans to bring the number of residents to {count} by {year2}.",
    "The governor visited {org} on {date} and toured the new laboratories.",
]
_EN_FILLER = [
    "Regional authorities expect the support programme for technology companies to be "
    "extended until {year2}.",
    "Analysts note steady demand for office and production space in the region.",
    "The meeting discussed infrastructure, staff training and exports.",
    "In {year}, {count} new production facilities opened in the region, the ministry said.",
    "Market participants expect rents to rise by {pct} over the next few years.",
    "Applications for the competition are accepted until {date}.",
    "Investors are showing interest in microelectronics and biotechnology projects.",
]
_DE_ORG = [
    "Der Umsatz der Residenten {org:gen} erreichte im Jahr {year} {money}.",
    "Derzeit sind {org:in} mehr als {count} Unternehmen mit {count2} Mitarbeitern ansässig.",
    "Am {date} erhielt {org:nom} einen neuen Status, teilte das Regionalministerium mit.",
    "Die Gesamtfläche {org:gen} beträgt {area}, weitere Gebäude sind im Bau.",
    "Die Investitionen in Projekte {org:gen} überstiegen {money}.",
    "Die Residenten {org:gen} schufen {count} neue Arbeitsplätze.",
    "Die Steuerzahlungen der Unternehmen {org:gen} beliefen sich {year} auf {money}.",
    "Bis {year2} soll die Zahl der Residenten {org:gen} auf {count} steigen.",
    "Der Gouverneur besuchte am {date} die neuen Labore {org:gen}.",
]
_DE_FILLER = [
    "Die Regionalregierung erwartet, dass das Förderprogramm bis {year2} verlängert wird.",
    "Experten verzeichnen eine stabile Nachfrage nach Büro- und Produktionsflächen.",
    "Auf der Sitzung ging es um Infrastruktur, Fachkräfteausbildung und Export.",
    "Im Jahr {year} wurden in der Region {count} neue Produktionsstätten eröffnet.",
    "Marktteilnehmer rechnen mit einem Anstieg der Mieten um {pct}.",
    "Bewerbungen für den Wettbewerb werden bis zum {date} angenommen.",
    "Investoren interessieren sich für Projekte in Mikroelektronik und Biotechnologie.",
]
_TEMPLATES = {"ru": (_RU_ORG, _RU_FILLER), "en": (_EN_ORG, _EN_FILLER),
              "de": (_DE_ORG, _DE_FILLER)}
_HEADLINES = {
    "ru": "{org:nom} подвел итоги {year} года",
    "en": "{org} reports results for {year}",
    "de": "{org:nom} zieht Bilanz für {year}",
}


@dataclass(frozen=True)
class Article:
    text: str
    language: str


def _fill(template: str, language: str, org: GeneratedOrganisation | None,
          rng: random.Random) -> str:
    """The template with figures and, if it has one, the organisation mention filled in."""
    values = _figures(language, rng)
    if org is not None:
        mention: Callable[[str], str] = {
            "ru": lambda case: org.ru(case, rng),
            "en": lambda _case: org.en(rng),
            "de": lambda case: org.de(case, rng),
        }[language]
        for case in ("nom", "gen", "dat", "acc", "ins", "loc", "in"):
            if "{org:" + case + "}" in template:
                template = template.replace("{org:" + case + "}", mention(case))
        template = template.replace("{org}", mention("nom"))
    text = template.format(**values)
    return text[0].upper() + text[1:]


LANGUAGE_CYCLE = ("ru", "en", "ru", "de")
"""Article languages in turn: half Russian, a quarter each English and German, in any run of
four, so the first k articles (the baseline's subset) have the same mix as all of them."""


def articles(orgs: list[GeneratedOrganisation], count: int = 200,
             seed: int = 2) -> list[Article]:
    """`count` news articles of 2,500-3,500 characters, each mentioning 2-4 of the first
    `MENTIONED` organisations, with figures, years and dates for the starter metrics."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        language = LANGUAGE_CYCLE[index % len(LANGUAGE_CYCLE)]
        with_org, filler = _TEMPLATES[language]
        mentioned = rng.sample(orgs[:MENTIONED], rng.randint(2, 4))
        target = rng.randint(2_500, 3_500)
        headline = _fill(_HEADLINES[language], language, mentioned[0], rng)
        # Templates dealt from shuffled decks, so an article does not repeat a sentence.
        org_deck = rng.sample(with_org, len(with_org))
        filler_deck = rng.sample(filler, len(filler))
        paragraphs: list[list[str]] = [[]]
        length, turn, fillers = len(headline), 0, 0
        while length < target:
            if turn < len(mentioned) or rng.random() < 0.5:
                sentence = _fill(org_deck[turn % len(org_deck)], language,
                                 mentioned[turn % len(mentioned)], rng)
                turn += 1
            else:
                sentence = _fill(filler_deck[fillers % len(filler_deck)], language, None, rng)
                fillers += 1
            if len(paragraphs[-1]) >= rng.randint(3, 4):
                paragraphs.append([])
            paragraphs[-1].append(sentence)
            length += len(sentence) + 1
        body = "\n\n".join(" ".join(p) for p in paragraphs)
        out.append(Article(f"{headline}\n\n{body}", language))
    return out
