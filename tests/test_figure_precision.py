"""Numbers that read like figures but that an analyst would not record, with the shipped rules:
what a number counts when its noun is far, left out or governed by a preposition, and
counts, marks and plans that are no organisation's fact. Each table has rows that must stay
figures beside those that must not."""

from __future__ import annotations

import pytest

from monitor.config import load_rules
from monitor.match import Matcher

from helpers import REPO


@pytest.fixture(scope="module")
def starter() -> Matcher:
    return Matcher(load_rules(REPO / "rules.yaml"))


def figures(matcher: Matcher, text: str, language: str) -> list[tuple[str | None, float | None]]:
    return [(h.metric, h.value) for h in matcher.match(text, language) if h.kind == "metric"]


@pytest.mark.parametrize("text, language, expected", [
    # Modifiers joined by a conjunction still lead to the noun the number counts.
    ("Жюри оценивало заявки по 25 абсолютным и относительным показателям работы резидентов.",
     "ru", []),
    ("В парке работают 40 малых и средних компаний.", "ru", [("residents", 40.0)]),
    ("Im Park arbeiten 40 kleine und mittlere Unternehmen.", "de", [("residents", 40.0)]),
    ("The park hosts 40 small and medium companies.", "en", [("residents", 40.0)]),
    # A noun left out after an adjective is the one the figure before counts.
    ("Зоны сравнивали по 20 показателям и пяти расчётным: смотрели на работу резидентов.",
     "ru", []),
    ("В зоне создано 900 рабочих мест и ещё 300 новых.", "ru", [("jobs", 900.0), ("jobs", 300.0)]),
    ("Каждый год к рабочим местам зоны добавляется около 300 новых.", "ru", [("jobs", 300.0)]),
])
def test_what_a_number_counts_across_modifiers(starter: Matcher, text: str, language: str,
                                               expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language", [
    # Words that make a number approximate are skipped: it counts years, not people.
    ("Двадцать с лишним лет работы резидентов не прошли даром.", "ru"),
    ("За десять с небольшим лет работы парк изменился.", "ru"),
    ("After 20-odd years of work the park changed.", "en"),
    # A number after a preposition modifies another noun: the verb is not about it.
    ("Компании из 14 стран работают в парке.", "ru"),
    ("Companies from 14 countries work in the park.", "en"),
    ("Firmen aus 14 Ländern arbeiten im Park.", "de"),
])
def test_durations_and_governed_counts_are_no_figures(starter: Matcher, text: str,
                                                      language: str) -> None:
    assert figures(starter, text, language) == []


@pytest.mark.parametrize("text, language, expected", [
    # Firms in talks, in a ranking or a contest are prospects and entrants, not residents.
    ("Управляющая компания ведёт переговоры с 30 компаниями.", "ru", []),
    ("The operator is in talks with 30 companies, of which ten are drug makers.", "en", []),
    ("Die Verwaltung verhandelt mit 30 Firmen, von denen zwölf Pharmaunternehmen sind.", "de",
     []),
    ("В этом году в рейтинг вошли 40 организаций.", "ru", []),
    ("This year 40 companies made the ranking.", "en", []),
    ("Im Wettbewerb traten 40 Unternehmen an.", "de", []),
    # Firms that present their projects or say what they mean to do are applicants.
    ("Четыре компании представили свои проекты наблюдательному совету зоны.", "ru", []),
    ("Forty startups pitched their projects to the park's investors.", "en", []),
    ("Vier Firmen haben dem Aufsichtsrat ihre Vorhaben vorgestellt.", "de", []),
    ("Пять инвесторов намерены построить в зоне новые заводы.", "ru", []),
    ("Five companies plan to build plants in the zone.", "en", []),
    ("Fünf Unternehmen wollen in der Zone Werke bauen.", "de", []),
    # A verb before the count is the organisation's: the count stays a figure.
    ("Технопарк представил отчёт: в нём работают 57 резидентов.", "ru", [("residents", 57.0)]),
    ("Der Park will 17 neue Residenten gewinnen.", "de", [("residents", 17.0)]),
    ("Больше всего новых резидентов — 12 компаний — представил технопарк.", "ru",
     [("residents", 12.0)]),
    ("The council approved applications from 8 companies with planned investment of "
     "900 million rubles.", "en", [("residents", 8.0), ("investment", 900000000.0)]),
    # A part of people taught, its opener after it in English, is no figure either.
    ("The academy has trained 120 programmers, 70 of whom are employed.", "en", []),
    ("The school graduated 90 students, 40 of whom found jobs.", "en", []),
    ("Академия подготовила 120 программистов, из них 70 трудоустроены.", "ru", []),
    ("The park hosts 120 firms, 70 of which are startups.", "en",
     [("residents", 120.0), ("residents", 70.0)]),
    # Entrants who reached a contest's final are prospects, not residents.
    ("Жюри допустило к финалу 18 компаний-резидентов.", "ru", []),
    ("Twelve startups from the park reached the finals.", "en", []),
    ("Zwölf Start-ups des Parks stehen im Finale.", "de", []),
    # The residents of the same sentence stay figures.
    ("В зоне работают 57 резидентов; ещё с 30 компаниями ведутся переговоры.", "ru",
     [("residents", 57.0)]),
    ("The zone has 57 residents; talks are under way with 30 more companies.", "en",
     [("residents", 57.0)]),
])
def test_prospects_and_entrants_are_no_residents(starter: Matcher, text: str, language: str,
                                                 expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    # A mark approached is no figure; a forecast of reaching it is.
    ("Технопарк приближается к 200 резидентам.", "ru", []),
    ("The technopark is nearing 200 residents.", "en", []),
    ("Der Technopark nähert sich 200 Residenten.", "de", []),
    ("К 2026 году число резидентов приблизится к 200.", "ru", [("residents", 200.0)]),
    # What a site can hold is its capacity, not a count it reached.
    ("The director said the new building could hold 40 companies.", "en", []),
    ("There is room for 60 more tenants in the technopark.", "en", []),
    ("Новый корпус технопарка сможет вместить 50 резидентов.", "ru", []),
    ("Im neuen Gebäude des Technoparks ist Platz für 40 Firmen.", "de", []),
    ("Der Neubau hat Kapazität für 300 Mitarbeiter.", "de", []),
    ("The technopark holds 40 companies today.", "en", [("residents", 40.0)]),
    ("Im Technopark arbeiten heute 40 Firmen.", "de", [("residents", 40.0)]),
    # A plan its sentence says was missed is no figure; what actually happened is.
    ("На 2020 год парк планировал 20 новых резидентов, фактически пришли 13 компаний.", "ru",
     [("residents", 13.0)]),
    ("The park had planned 20 new residents, but actually 13 companies joined.", "en",
     [("residents", 13.0)]),
    ("Geplant waren 20 neue Residenten, tatsächlich kamen 13 Firmen hinzu.", "de",
     [("residents", 13.0)]),
    ("Парк планирует привлечь 20 новых резидентов.", "ru", [("residents", 20.0)]),
    ("Выручка резидентов составила 5 млрд рублей, фактически вдвое больше, чем год назад.",
     "ru", [("revenue", 5e9)]),
    ("Residents earned 5 billion rubles, actually twice as much as a year ago.", "en",
     [("revenue", 5e9)]),
])
def test_marks_and_missed_plans_are_no_figures(starter: Matcher, text: str, language: str,
                                               expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    # A sum per person or per project is the size of one unit, not a reported total.
    ("Every engineer in the park generated roughly $50,000 of revenue last year.", "en", []),
    ("Individual grants from the fund range from 5 million to 40 million roubles.", "en", []),
    ("Каждый резидент получит грант до 20 млн рублей.", "ru", []),
    ("Отдельному проекту выделят грант до 300 млн рублей.", "ru", []),
    ("Jedes Projekt erhält Fördermittel von bis zu 25 Millionen Rubel.", "de", []),
    ("Das Gehalt eines Entwicklers im Park erreicht 150.000 Rubel, die Investitionen sind "
     "hoch.", "de", []),
    ("Die Residenten investieren in Gehälter 150.000 Rubel je Entwickler.", "de", []),
    # Standing for the organisations named, or before a period, the sum is a figure.
    ("The two parks were chosen. Each will receive grants of 300 million roubles.", "en",
     [("grants", 3e8)]),
    ("Каждый год фонд выделяет на гранты 2 млрд рублей.", "ru", [("grants", 2e9)]),
    # A count after a distributive word is a rate.
    ("Ежегодно в технопарк будут приходить по 12 новых компаний.", "ru", []),
    ("In den Park ziehen jährlich je zwölf neue Unternehmen.", "de", []),
    ("В технопарке работают 12 компаний.", "ru", [("residents", 12.0)]),
    # A sum after a distributive word is what each gets, unless a period makes it yearly.
    ("В прошлом году по 2 млн рублей на свои проекты получили 400 аспирантов.", "ru", []),
    ("Je 50.000 Euro an Fördermitteln erhalten zwölf Teams.", "de", []),
    ("Фонд выделяет технопаркам по 200 млн рублей в год на гранты.", "ru", [("grants", 2e8)]),
    ("Каждый год по 200 млн рублей фонд выделяет на гранты.", "ru", [("grants", 2e8)]),
    ("Парку выделят по 90 млн рублей в каждом из трёх лет.", "ru", [("grants", 9e7)]),
    # A sum in a clause about the maximum is a cap the rules set.
    ("Максимальный размер субсидии составляет 8 млн рублей.", "ru", []),
    ("The maximum grant under the programme is 4 million roubles.", "en", []),
    ("Der Höchstbetrag der Förderung liegt bei 3 Millionen Rubel.", "de", []),
    ("Фонд выдал гранты на 8 млн рублей.", "ru", [("grants", 8e6)]),
])
def test_sizes_per_unit_are_no_figures(starter: Matcher, text: str, language: str,
                                       expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    # A word that names what it counts does not refer back to the figure before.
    ("В зоне 600 рабочих мест. Число технопарков в стране выросло с 80 до 95.", "ru",
     [("jobs", 600.0)]),
    ("The zone has 600 jobs. The number of regions with parks rose from 30 to 35.", "en",
     [("jobs", 600.0)]),
    ("Die Zone hat 600 Arbeitsplätze. Die Zahl der Technoparks stieg von 80 auf 95.", "de",
     [("jobs", 600.0)]),
    ("The zone has 600 jobs. Their number rose to 640.", "en", [("jobs", 600.0), ("jobs", 640.0)]),
    # "их" before a noun is "their": the noun says what the figure is, not the one before.
    ("В парке трудятся 800 специалистов, а их доход составил 3,4 млрд драмов.", "ru",
     [("employees", 800.0), ("revenue", 3.4e9)]),
    ("В парке было 30 резидентов, сейчас их 45.", "ru", [("residents", 30.0), ("residents", 45.0)]),
    # A number counting a noun after a ruble figure is no ruble figure.
    ("Резиденты вложили 1,5 трлн рублей и создали 150 тысяч рабочих мест.", "ru",
     [("investment", 1.5e12), ("jobs", 150000.0)]),
    ("Resident firms invested 1.5 trillion roubles and created 150 thousand jobs.", "en",
     [("investment", 1.5e12), ("jobs", 150000.0)]),
    ("Die Residenten investierten 1,5 Billionen Rubel und schufen 150 Tausend Arbeitsplätze.",
     "de", [("investment", 1.5e12), ("jobs", 150000.0)]),
])
def test_figures_that_name_their_own_noun(starter: Matcher, text: str, language: str,
                                          expected: list) -> None:
    assert figures(starter, text, language) == expected


def test_the_body_decides_the_metric_of_a_headline_sum(starter: Matcher) -> None:
    text = ("Регион вложит 90 млн рублей в технопарк «Якутия»\n"
            "Правительство республики выделит 90 млн рублей на инфраструктуру технопарка "
            "«Якутия».")
    assert [(m, v) for m, v in figures(starter, text, "ru")] == [("grants", 9e7)]


@pytest.mark.parametrize("text, language, expected", [
    # A scaled number that counts goods is no sum, though a ruble figure stands before it.
    ("Завод вложит около 300 млн рублей и будет выпускать больше 250 тыс. насосов в год.",
     "ru", [("investment", 3e8)]),
    ("The plant will invest 300 million roubles and make 250 thousand pumps a year.", "en",
     [("investment", 3e8)]),
    ("Das Werk investiert 300 Millionen Rubel und soll 250 Tausend Pumpen im Jahr bauen.",
     "de", [("investment", 3e8)]),
    # With no noun after it, it is rubles like the figure before.
    ("Резиденты вложили 2 млрд рублей, а в этом году вложат ещё 3 млрд.", "ru",
     [("investment", 2e9), ("investment", 3e9)]),
])
def test_counted_goods_take_no_implied_rubles(starter: Matcher, text: str, language: str,
                                              expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    # Customs duties and insurance contributions are levies of their own, not taxes.
    ("Резиденты заплатили 40 млрд рублей налогов, а также 30 млрд рублей таможенных платежей "
     "и 10 млрд рублей страховых взносов.", "ru", [("taxes", 4e10)]),
    ("Residents paid 40 billion roubles in taxes, plus 30 billion roubles in customs duties "
     "and 10 billion roubles in insurance contributions.", "en", [("taxes", 4e10)]),
    ("Die Residenten zahlten 40 Milliarden Rubel Steuern, dazu 30 Milliarden Rubel Zölle und "
     "10 Milliarden Rubel Sozialabgaben.", "de", [("taxes", 4e10)]),
    # Taxes and duties paid together stay a tax figure.
    ("Резиденты заплатили 40 млрд рублей налогов и таможенных платежей.", "ru",
     [("taxes", 4e10)]),
    ("Die Residenten zahlten 65 Milliarden Rubel an Steuern und Zöllen.", "de",
     [("taxes", 6.5e10)]),
])
def test_levies_that_are_no_taxes(starter: Matcher, text: str, language: str,
                                  expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    # A share of a sum named as that sum is how it is paid out, not a figure of its own.
    ("Регион купил корпус за 90 млн рублей. Из этой суммы подрядчику уже перечислили 40 млн.",
     "ru", [("investment", 9e7)]),
    ("The region bought the building for 90 million roubles. Of this sum, 40 million roubles "
     "has already been paid.", "en", [("investment", 9e7)]),
    ("Das Land stellte dem Park 90 Millionen Rubel Fördermittel bereit. Von dieser Summe "
     "flossen 40 Millionen Rubel an den Bauträger.", "de", [("grants", 9e7)]),
    # Words that do not name the sum open a figure of its own.
    ("Резиденты заявили инвестиции на 90 млрд рублей, из них вложено уже 40 млрд рублей.", "ru",
     [("investment", 9e10), ("investment", 4e10)]),
])
def test_shares_of_a_sum_are_no_figures(starter: Matcher, text: str, language: str,
                                        expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    # What one firm takes in is its own result, not a park's revenue.
    ("Самый успешный стартап технопарка, по словам директора, получил выручку 300 млн рублей.",
     "ru", []),
    ("The park's best-known resident is a games studio; the firm earned revenue of 40 million "
     "dollars last year.", "en", []),
    ("Bis 2027 will der Konzern in Russland einen Umsatz von 80 Millionen Euro erzielen.", "de",
     []),
    # The takings of a park's residents, and what one firm invests, are figures.
    ("Выручка стартапов технопарка составила 300 млн рублей.", "ru", [("revenue", 3e8)]),
    ("Park residents earned revenue of 40 million dollars last year.", "en",
     [("revenue", 4e7)]),
    ("Der Konzern investiert 80 Millionen Euro in den Park.", "de", [("investment", 8e7)]),
])
def test_one_firms_takings_are_no_figures(starter: Matcher, text: str, language: str,
                                          expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language, expected", [
    # Firms a programme funds are its clients, not residents; so is a part of them.
    ("До конца года программа профинансирует 120 стартапов.", "ru", []),
    ("Региональная программа профинансирует 120 стартапов, из них 30 — в технопарке.", "ru",
     []),
    ("The programme has financed 120 startups this year.", "en", []),
    ("Das Programm hat bereits 120 Start-ups gefördert.", "de", []),
    ("В технопарке работают 120 компаний.", "ru", [("residents", 120.0)]),
    ("За год программа профинансирует 120 стартапов. Не менее 30 молодых компаний из их числа "
     "получат второй транш.", "ru", []),
    ("The programme has financed 120 startups. At least 30 of them are based abroad.", "en",
     []),
    ("The park hosts 120 companies. At least 30 of them are based abroad.", "en",
     [("residents", 120.0), ("residents", 30.0)]),
    ("Der Park verhandelt mit 40 Firmen, von denen zwölf Biotech-Firmen sind. Bis 2030 sollen "
     "sich im Park 25 Unternehmen ansiedeln.", "de", [("residents", 25.0)]),
    ("The finance ministry says 120 companies work in the park.", "en",
     [("residents", 120.0)]),
    ("The park hosts 120 companies, supported by the regional government.", "en",
     [("residents", 120.0)]),
    # Firms that use a place's services or that it serves are its clients.
    ("Услугами лаборатории уже воспользовались более 70 компаний.", "ru", []),
    ("Since opening, the centre has served some 70 companies.", "en", []),
    ("Mehr als 70 Firmen nutzten bisher die Labore des Zentrums.", "de", []),
    ("The park used to host 70 companies.", "en", [("residents", 70.0)]),
    # Firms that close are no one's residents.
    ("Во время кризиса в городе закрылись сразу четыре крупных предприятия.", "ru", []),
    ("During the crisis four large companies shut down in the town.", "en", []),
    ("In der Krise wurden in der Stadt vier große Firmen geschlossen.", "de", []),
])
def test_funded_firms_are_no_residents(starter: Matcher, text: str, language: str,
                                       expected: list) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Новая дорога к технопарку протянулась на 350 тысяч метров.", []),
    ("Шоссе длиной 12 тысяч метров соединит площадки.", []),
    ("Площадь технопарка составит 350 тысяч метров.", [("area", 350000.0)]),
    ("Площадь нового корпуса — 49 тысяч «квадратов».", [("area", 49000.0)]),
])
def test_metres_are_square_metres_only_in_an_area_sentence(starter: Matcher, text: str,
                                                           expected: list) -> None:
    """"тысяч метров" is an area where a keyword names one; of a road it is a length."""
    assert figures(starter, text, "ru") == expected
