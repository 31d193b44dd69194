"""Word lists the figure reader needs besides the rules: data only, no logic.

Kept out of rules.yaml because they describe the languages, not what a user monitors."""

from __future__ import annotations

REFERENCES: dict[str, tuple[str, ...]] = {
    "ru": ("число", "количество", "показатель", "прогноз", "итог", "их", "план", "следовать",
           "следом"),
    "en": ("number", "figure", "forecast", "count", "target", "followed", "follow"),
    "de": ("Zahl", "Anzahl", "Prognose", "Gesamtzahl", "Ziel", "folgten", "gefolgt"),
}
"""Words by which a sentence refers back to a figure before it ("их число выросло до 86",
"Годовой прогноз составляет 10,8 млрд", "было 12 резидентов, сейчас их 167") or goes on with
its ranking ("ICT firms followed with 2.1
billion rubles", "следом идут ИТ-компании с 2,1 млрд", "gefolgt von der IT-Branche mit 2,1
Mrd."): with one of them, a figure its own words do not type takes that figure's metric. Not
"total": "applications worth a total of 12 billion" is no figure of the metric before."""

OBJECT_PRONOUNS: frozenset[str] = frozenset({"их"})
"""Words of `REFERENCES` that refer back only standing alone ("сейчас их 167"): before a noun
"их" is the possessive "their" ("их доход составил 1,2 млрд сомов"), and the noun, keyword or
not, says what the figure is."""

TRAINING: dict[str, tuple[str, ...]] = {
    # Not "выпустить": its object is as often products ("11 из них выпускают продукцию").
    "ru": ("подготовить", "подготавливать", "обучить", "обучать", "выучить", "переобучить"),
    "en": ("graduate", "graduated", "train", "trained", "educate", "educated", "teach", "taught",
           "retrain", "retrained"),
    "de": ("ausbilden", "ausgebildet", "schulen", "geschult", "weiterbilden", "weitergebildet"),
}
"""Verbs whose object is people being taught: "we will graduate 50 such specialists", "вуз
подготовил 300 специалистов", "40 Fachkräfte ausgebildet". People counted as trainees or
graduates are not people at work, and nothing else a metric counts: no figure."""

APPLYING: dict[str, tuple[str, ...]] = {
    "ru": ("заявиться", "претендовать", "претендент", "соискатель"),
    "en": ("apply", "applied"),
    "de": ("beworben", "beantragen", "beantragt"),
}
"""Words by which firms ask to come in ("100 investors applied for space", "на статус
претендуют 40 компаний", "Beworben haben sich 30 Firmen"): firms that apply are not yet
residents, so a count of them is no figure, as people taught (`TRAINING`) are not employees.
Not the nouns "заявка", "application", "Bewerbung" (nor "bewerben", whose stem is that of
"Bewerbung"): an application approved ("approved applications from 8 companies") makes
residents."""

FUNDING: frozenset[str] = frozenset("""
профинансировать профинансирует профинансируют профинансировал профинансировала
профинансировали финансирует финансируют финансировал финансировала финансировали поддержать
поддержит поддержат поддержал поддержала поддержали проинвестировать проинвестирует
проинвестировал проинвестировала проинвестировали
funded financed supported
finanzieren finanziert finanzierte finanzierten fördern fördert förderte förderten gefördert
""".split())
"""Verbs whose object is firms that get money ("the fund has financed 500 startups", "фонд
собирается профинансировать 500 стартапов", "300 Start-ups gefördert"): firms funded or
supported are a programme's clients, not residents of a place, as people taught
(`TRAINING`) are not employees. Of a fund registered as one, `NOT_HOSTS` says the same. As
written: "finance", "fund" and "support" are as often nouns ("the finance ministry says 40
companies", "with support from the park")."""

SERVING: frozenset[str] = frozenset("""
пользовались пользуются пользовалось пользуется воспользовались воспользуются воспользовалось
обслужил обслужила обслужили обслуживает обслуживают обслуживал обслуживала
served serves serving
nutzten nutzen genutzt
""".split())
"""Verbs that make the firms they count a place's clients: users of its services ("более сотни
компаний пользовались его услугами", "40 Firmen nutzten das Labor") or firms it serves ("the
centre has served 300 companies", "центр обслужил 300 компаний"). Clients come and go
without settling, so, as firms funded (`FUNDING`), they are not residents. As written: not
English "used" ("the park used to host 40 companies"); not German "betreut": the start-ups
an innovation centre mentors are its residents ("Skolkowo betreut 2.000 Start-ups")."""

ONE_FIRM: tuple[str, ...] = (
    "стартап", "фирма", "концерн", "холдинг",
    "the startup", "the start-up", "the firm", "the group",
    "der Konzern", "die Firma", "das Start-up", "das Startup", "die Gruppe",
)
"""Words that name one firm ("самый доходный стартап", "the firm", "der Konzern"): in a
sentence about takings (`TAKINGS`) the sum is that firm's own result, not the revenue of a
park, whose residents are many ("выручка резидентов", "residents earned"). As written, in the
singular: "стартапы", "the startups", "die Firmen" are a park's residents. Not "компания",
"the company", "das Unternehmen": they are as often a park's managing company, whose revenue is
the park's; nor money other than takings ("das Unternehmen erhielt einen Kredit über 31,6
Millionen Euro" for the park's building is its investment)."""

TAKINGS: dict[str, tuple[str, ...]] = {
    "ru": ("выручка", "доход", "экспорт", "приносить", "оборот"),
    "en": ("revenue", "revenues", "turnover", "sales", "earned", "earns", "exports"),
    "de": ("Umsatz", "Jahresumsatz", "Erlös", "Erlöse", "Export", "verdient"),
}
"""Words that make a sum what a firm takes in: revenue, turnover, sales, export earnings
(`ONE_FIRM`)."""

CLOSING: frozenset[str] = frozenset("""
закрылись закрылось закрылся закрылась закроются закрыты обанкротились обанкротилось
разорились ликвидированы
shut closed bankrupt folded
geschlossen schlossen pleite insolvent
""".split())
"""Verbs by which firms close ("в городе закрылись три предприятия", "two plants shut", "drei
Betriebe wurden geschlossen"): firms that close are no one's residents, gained or had. As
written; not verbs of leaving ("20 companies left" is also the firms that remain)."""

POSSESSIVES: frozenset[str] = frozenset("""
его её ее his her its their sein seine seinen seinem seiner seines ihr ihre ihren ihrem ihrer
ihres
""".split())
"""Possessive determiners ("Seine 70 Mitarbeiter", "its 25 employees", "её 25 сотрудников"):
a count after one belongs to what was just named. Not "их": before a number it is mostly the
object pronoun that refers back to a figure ("сейчас их 167")."""

FORMER: dict[str, tuple[str, ...]] = {
    "ru": ("бывший", "тогдашний"),
    "en": ("former", "erstwhile"),
    "de": ("damalig", "ehemalig", "vormalig", "einstig"),
}
"""Words that put an organisation in the past ("in der damaligen Freihandelszone 13
Unternehmen", "в бывшей промзоне работали 12 предприятий", "the former estate housed 12
companies"): a count said of it is the predecessor's, not a figure of today's organisation.
Not "früher", "earlier" or "прежний": they date a value ("früher 13 Unternehmen"), a previous
figure of the same organisation, and "по-прежнему 547" means "still 547"."""

TOWNS: dict[str, tuple[str, ...]] = {
    "ru": ("город",),
    "en": ("city", "town"),
    "de": ("Stadt",),
}
"""Words for a town. An area that only its unit types, in a clause that names a town and no
organisation ("Der Stadt wurden 1.400 Hektar Land zugewiesen", "городу отвели 900 га
земли"), is the town's territory, not an organisation's area."""

NOT_HOSTS: frozenset[str] = frozenset({"fund", "development_institution", "association",
                                       "ministry"})
"""Kinds of organisation (`Organisation.kind`) that host no firms: the firms counted around a
fund or an institution ("the money is to support no fewer than 220 small enterprises", "фонд
поддержит 300 стартапов") are those it supports, which no metric counts."""

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

FUNCTION_WORDS: frozenset[str] = frozenset("""
of for in at on to from by with and or but nor the a an than as per via into onto over under
about after before since until between among against versus vs this that these those it its
their our your his her were was are is be been being have has had will would shall should
can could may might must do does did not no so then there here which who whom whose what
when where while if also only just more most less least each every all both either neither
und oder aber sowie der die das den dem des ein eine einen einem einer eines für mit von zu
zum zur auf aus bei nach seit bis gegen um über unter vor hinter neben zwischen als wie im
in am an ist sind war waren wurde wurden werden wird hat haben hatte hatten sein seine ihre
nicht auch nur noch schon bereits rund etwa fast mehr weniger davon darunter dass ob wenn
""".split())
"""English and German words that never modify a noun, so a number followed by one of them
does not count a noun after it ("created 200 for companies", "auf 140 und Unternehmen")."""

COORDINATORS: frozenset[str] = frozenset({"и", "или", "and", "or", "und", "oder"})
"""Between two words that modify the same noun ("по 25 абсолютным и относительным
показателям", "30 small and medium firms", "40 kleine und mittlere Betriebe") a conjunction
is part of the noun phrase: the number still counts the noun after them."""

APPROXIMATE_TAILS: dict[str, tuple[str, ...]] = {
    "ru": ("с лишним", "с небольшим", "с гаком", "с половиной"),
    "en": ("odd", "or so", "plus", "and more"),
    "de": ("und mehr", "oder mehr", "und etwas"),
}
"""Words right after a number that make it approximate and leave it counting the noun after
them: "десять с лишним лет", "20-odd years", "zehn und mehr Jahre". Without them skipped, the
number would count no noun and take a keyword of its clause ("лет работы": employees)."""

COUNT_PREPOSITIONS: frozenset[str] = frozenset("""
из в во по от для среди при у
from in of at among across with for into by
aus in im von vom mit bei für unter
""".split())
"""Prepositions that make a number and its noun a modifier of another word ("companies from
14 countries work", "компании из 14 стран работают", "Firmen aus 14 Ländern arbeiten"): the
verb after that noun says what the head word does, not what the number counts."""

PROSPECTS: dict[str, tuple[str, ...]] = {
    "ru": ("переговоры", "рейтинг", "конкурс", "претендент", "кандидат", "финал", "полуфинал",
           "финалист", "полуфиналист"),
    "en": ("talks", "negotiations", "negotiating", "negotiate", "ranking", "rating", "contest",
           "shortlist", "shortlisted", "candidates", "finals", "finalists", "semifinal",
           "semifinals", "semifinalists"),
    "de": ("verhandeln", "verhandelt", "Verhandlungen", "Gespräche", "Ranking", "Rating",
           "Rangliste", "Wettbewerb", "Kandidaten", "Finale", "Finalisten", "Halbfinale",
           "Halbfinalisten"),
}
"""Words that make the firms a clause counts someone's prospects or a list's entrants, not
its residents: "ведёт переговоры с 30 компаниями", "в рейтинг вошли 40 организаций", "in talks
with 30 companies", "40 firms made the ranking", "к финалу допустили 22 проекта", "12 startups
reached the finals", "verhandelt mit 30 Unternehmen". A count in
such a clause, and a part of it ("von denen zehn", "из них десять"), is no figure. Not
applications: "approved applications from 8 companies" are new residents."""

PRESENTING: frozenset[str] = frozenset("""
представили представят презентовали презентуют намерены намереваются планируют собираются
хотят
presented pitched showcased exhibited intend plan want
vorgestellt präsentiert präsentierten wollen beabsichtigen planen
""".split())
"""Verbs by which firms present their projects or say what they mean to do ("Drei Unternehmen
haben dem Aufsichtsrat ihre Projekte vorgestellt", "три инвестора намерены вложить 2 млрд",
"40 startups pitched to investors", "five firms plan to move in"): the firms are applicants,
exhibitors or investors in prospect, not residents. Only after the count in its clause, and in
a form that agrees with a plural subject: so the firms counted are what presents or intends.
Before the count, or in the singular, the verb is mostly the organisation's ("Технопарк
представил отчёт: в нём 57 резидентов", "девять компаний представил Академпарк", "der Park will
17 neue Residenten gewinnen", a target). As written, not by stem: "planned investment" after
"applications from 8 companies" is no verb of theirs. Not German "will", "plant" or English
"present": they are also the English auxiliary, a factory, an adjective."""

PART_OPENERS: tuple[str, ...] = (
    "из них", "из которых", "в том числе", "среди них", "из их числа", "из числа", "of them",
    "of which", "of whom", "among them", "von denen", "unter denen", "darunter", "davon")
"""Words that open a clause about a part of the count before: a part of a count that is no
figure ("mit 30 Unternehmen verhandelt, von denen zehn Pharmafirmen sind") is none either."""

SUM_PARTS: tuple[str, ...] = (
    "из этой суммы", "из указанной суммы", "of this sum", "of this amount",
    "of that sum", "of that amount", "von dieser Summe", "von diesem Betrag")
"""Words that open a clause about a share of the sum before ("Здание купили за 150 млн
рублей. Из этой суммы застройщику перечислили 75 млн", "of this amount, 40 million has been
paid", "davon sind 40 Millionen gezahlt"): the share is how the sum is paid out or split,
which an analyst reads off the sum already recorded, not a figure of its own. Only a sum after
a sum: a part of a count ("112 of them") is a figure (`PART_OPENERS`). Only words that name
the sum: "davon", "из них" after a sum also open what of it was spent or realised ("davon
wurden 822 Milliarden bereits getätigt"), a figure of its own."""

RELATIVE_OPENERS: tuple[str, ...] = (
    "из которых", "которых", "of which", "of whom", "von denen", "unter denen")
"""Relative words that open a clause about the noun right before them ("IT companies, of
which Kaliningrad has about 2.5 thousand", "ИТ-компаний, которых в области около 2,5 тысячи",
"IT-Firmen, von denen es in der Stadt 2.500 gibt"): a bare count in that clause counts that
noun."""

APPROACHING: frozenset[str] = frozenset("""
приближается приближаются подбирается подбираются
nears nearing approaches approaching
nähert nähern
""".split())
"""Verbs in the present that say a count is approached, not reached: "Great Stone nears 100
residents", "технопарк приближается к 100 резидентам", "der Park nähert sich 100 Residenten".
The number is a mark, a threshold the text rounds to, not a figure. Not the future
("приблизится к 20"): that is a forecast, a figure."""

CAPACITY: frozenset[str] = frozenset("""
вместить вместит вместят вмещать вмещает вмещают вмещал вмещала вмещало вместимость вместимостью
hold accommodate accommodates accommodated accommodating capacity room
platz kapazität kapazitäten fassen fasst aufnahme
""".split())
"""Words right before a count that make it what a place can hold, not what it has: "the
site could hold 40 companies", "room for 60 more tenants", "здание сможет вместить 50
резидентов", "Platz für 40 Firmen", "Kapazität für 300 Mitarbeiter". A capacity is a limit of
the site, no figure its residents or staff reached. As written: "hold" only in its bare form,
after a modal or "to" ("could hold", "able to hold"); "holds"/"held" say what it has. Not
"рассчитан на": "рассчитан на 500 рабочих мест" is jobs planned."""

LEVIES: dict[str, tuple[str, ...]] = {
    "ru": ("таможенный", "таможенные", "таможенных", "пошлина", "пошлин", "пошлины",
           "страховой", "страховых", "страховые"),
    "en": ("customs", "duty", "duties", "insurance"),
    "de": ("Zoll", "Zölle", "Zöllen", "Zollabgaben", "Zollzahlungen", "Versicherungsbeiträge",
           "Versicherungsbeiträgen", "Sozialbeiträge", "Sozialabgaben",
           "Sozialversicherungsbeiträge"),
}
"""Payments to the state that are not taxes, when they name a sum right after it ("56
Milliarden Rubel Zoll", "30 млрд рублей таможенных платежей", "10 billion roubles in
insurance contributions"): customs duties and social insurance contributions are levies of
their own, which no metric counts. Not a bare "взнос", "contribution" or "Beitrag": a contribution
may be a founder's capital or a grant. A sum of taxes and duties together ("65 Mrd. an Steuern
und Zöllen") names the taxes first and stays a tax figure."""

LEVY_LINKS: frozenset[str] = frozenset({"in", "an", "as", "of", "als", "в", "виде", "за"})
"""Words between a sum and the levy it is ("10 billion in customs duties", "в виде
таможенных пошлин", "an Zöllen")."""

PLANNED: dict[str, tuple[str, ...]] = {
    "ru": ("планировать", "планироваться", "план", "ожидаться", "рассчитывать", "намечать",
           "намечаться"),
    "en": ("planned", "plan", "expected", "targeted", "aimed", "hoped"),
    "de": ("vorgenommen", "geplant", "Plan", "Ziel", "erwartet", "vorgesehen", "angepeilt"),
}
"""Words that make a figure's clause a plan or an expectation (`ACTUALLY`)."""

ACTUALLY: dict[str, tuple[str, ...]] = {
    "ru": ("фактически",),
    "en": ("actually",),
    "de": ("tatsächlich", "faktisch"),
}
"""Words that set what happened against a plan (`PLANNED`) stated before them in the sentence ("Для
2020 года планировали 20 резидентов, фактически пришли 13", "the park had planned 20
residents but actually gained 13", "hatte sich 20 vorgenommen, tatsächlich kamen 13"): the
planned count is a plan that was missed, not a figure; the actual one is. Only a plan: "5 млрд
рублей, фактически вдвое больше" is a figure."""

PARTITIVES: dict[str, tuple[str, ...]] = {
    "ru": ("из",),
    "en": ("of", "the", "these", "those"),
    "de": ("der", "dieser", "jener"),
}
"""Words between a count and the noun it counts when it counts a part of them ("five of the
newcomers", "пять из новых резидентов", "fünf der neuen Firmen"): a part is counted by the same
noun. As written, lower case: they are function words, not reduced."""

PER_UNIT: dict[str, tuple[str, ...]] = {
    "ru": ("каждый", "отдельный", "индивидуальный"),
    "en": ("each", "every", "individual", "single", "per"),
    "de": ("jeder", "jede", "jedes", "je", "pro", "einzeln", "einzelne"),
}
"""Words that, before a noun, make a sum in their clause the size of one unit, not a total an
organisation reports: what each person brings ("each specialist bringing about $36,000",
"каждый специалист приносит 36 тысяч долларов") or what one project may get ("individual
awards range from 30 million to 6 billion", "отдельный проект получит до 300 млн", "je
Projekt bis zu 30 Mio."). Before a word of `PERIODS` ("each year", "каждый год", "jedes
Jahr") the sum is a yearly amount, a figure; standing alone ("Each will receive 500
million") the word is each of the organisations named, whose figure it is."""

PER_HEAD: dict[str, tuple[str, ...]] = {
    "ru": ("душа", "зарплата", "оклад"),
    "en": ("capita", "salary", "salaries", "wage", "wages"),
    "de": ("Kopf", "Gehalt", "Lohn", "Löhne"),
}
"""Nouns that make a sum in their clause an amount per person: "$36,000 per capita", "на
душу населения", "pro Kopf", a salary or a wage ("средняя зарплата — 120 тысяч рублей").
No metric reports what one person gets."""

MAXIMA: dict[str, tuple[str, ...]] = {
    "ru": ("максимальный", "предельный"),
    "en": ("maximum", "maximal"),
    "de": ("maximal", "Höchstbetrag", "Maximalbetrag", "Höchstsumme"),
}
"""Words that make a sum in their clause the most one may get or spend, a cap the rules set, not
a sum anyone reported: "максимальный размер гранта достигает 3 млн рублей", "the maximum award
is 5 million roubles", "der Höchstbetrag liegt bei 2 Millionen Euro"."""

PERIODS: dict[str, tuple[str, ...]] = {
    "ru": ("год", "месяц", "квартал", "полугодие"),
    "en": ("year", "month", "quarter"),
    "de": ("Jahr", "Monat", "Quartal"),
}
"""Periods: "every year 5 billion", "каждый год по 150 млн", "jedes Jahr 5 Mrd." are amounts
per year, which an analyst records."""

DISTRIBUTIVES: frozenset[str] = frozenset({"по", "je", "jeweils"})
"""Words right before a count that make it a count per something ("сюда будут приходить по
10 новых компаний", "je zehn Firmen pro Jahr", "jeweils 5 Residenten"): a rate or a share,
not how many an organisation has; before a sum, what each one gets ("по 1 млн рублей получат
200 студентов", "je 50.000 Euro für zehn Teams"), unless a period after it makes it a
yearly amount ("по 150 млн рублей в год"; not "в этом году по 1 млн", a date). Not English
"each": after a count ("one new resident each") it says every organisation named gained that
many."""

PRICE_WORDS: frozenset[str] = frozenset({"за", "стоимостью", "for", "für"})
"""Words that say what a thing costs when they stand right before a sum ("ein Rechenzentrum für
4,3 Milliarden Rubel", "завод стоимостью 2 млрд рублей", "a plant for 3 billion roubles"). After
the sum they say what it is for ("1 billion rubles for two technoparks", "250 рублей за
квадратный метр"), which types nothing: as a metric's fallback word one types only a value
after it."""

ELLIPSIS_DASHES: tuple[str, ...] = ("—", "–", "-")
"""Dashes that stand for a verb left out ("а в 2014 году — 1,048 млрд рублей", "in 2014 –
2.4 billion"), written with a space before them, as a dash between words is."""

MORE_AFTER: frozenset[str] = frozenset({"more", "further", "weitere", "weiteren", "weiterer"})
MORE_BEFORE: frozenset[str] = frozenset({"ещё", "еще", "another", "weitere", "weiteren"})
"""Words that make a bare number more of what the figure before counts, after it ("and two
more the Istok SEZ", "und zwei weitere") or before it ("и ещё два", "another two", "weitere
zwei"): it takes that figure's metric."""

COMPARATIVE_THAN: frozenset[str] = frozenset({"than", "als", "чем"})
"""After "more", a difference ("464 more than planned"), which is no value."""
