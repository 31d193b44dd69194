"""What a figure counts, in the shipped rules: the noun it quantifies, the verb or synonym that
names it. Sentences of our own, in the three languages the press writes."""

from __future__ import annotations

import pytest

from monitor.config import load_rules
from monitor.match import Matcher

from helpers import REPO


@pytest.fixture(scope="module")
def starter() -> Matcher:
    return Matcher(load_rules(REPO / "rules.yaml"))


def typed(matcher: Matcher, text: str, language: str) -> list[tuple]:
    return [(h.metric, h.value) for h in matcher.match(text, language) if h.kind == "metric"]


NOUN_AFTER_A_SCALE_WORD = [
    # The dot of "тыс." / "Tsd." is the number's, not a gap before the noun it counts.
    ("ru", "Резидентами парка числятся 1,2 тыс. компаний.", [("residents", 1200)]),
    ("de", "Im Park sind 1,2 Tsd. Firmen registriert.", [("residents", 1200)]),
    # The first word of the next paragraph counts nothing of this sentence's number.
    ("ru", "Число рабочих мест достигло 4 тыс.\nРуководитель зоны доволен.", [("jobs", 4000)]),
]



JOBS_OR_PEOPLE = [
    # People who found or were given work are jobs created…
    ("ru", "Новый завод даст работу 800 человек.", [("jobs", 800)]),
    ("ru", "За полгода в технопарке нашли работу 420 программистов.", [("jobs", 420)]),
    ("ru", "Количество рабочих мест в зоне превысило 12 тыс. человек.", [("jobs", 12000)]),
    ("en", "Some 900 people have found work at the park's new labs.", [("jobs", 900)]),
    ("en", "The new plants gave well-paid jobs to 3 thousand people.", [("jobs", 3000)]),
    ("de", "Etwa 1.500 Menschen haben im Park Arbeit gefunden.", [("jobs", 1500)]),
    ("de", "Das Werk schafft 400 neue Stellen.", [("jobs", 400)]),
    # … people who work there (an imperfective "дает работу", "gives work") are employees.
    ("ru", "Кластер дает работу 800 человек.", [("employees", 800)]),
    ("en", "The campus gives work to 3,000 people.", [("employees", 3000)]),
    ("de", "Das Werk beschäftigt 400 Menschen.", [("employees", 400)]),
    ("en", "The park employs 2,000 people and plans 500 new jobs.",
     [("employees", 2000), ("jobs", 500)]),
    ("ru", "В технопарке трудятся 500 специалистов, к 2030 году появится ещё 300 рабочих мест.",
     [("employees", 500), ("jobs", 300)]),
]



FIRMS = [
    # Investors and newcomers at work in a zone are its residents, in every language.
    ("en", "Today 85 investors run production lines in the zone.", [("residents", 85)]),
    ("de", "In der Zone sind 12 Investoren tätig.", [("residents", 12)]),
    ("ru", "Проекты в зоне реализуют 35 инвесторов.", [("residents", 35)]),
    ("en", "The park welcomed 9 newcomers this spring.", [("residents", 9)]),
    ("de", "Im Frühjahr kamen 4 Neuzugänge hinzu.", [("residents", 4)]),
    ("ru", "В этом году в парке 6 новичков.", [("residents", 6)]),
    # A part is counted by the noun after "of the", "из", "der".
    ("en", "Four of the newcomers make medical devices.", [("residents", 4)]),
    ("ru", "Пять из новых резидентов подписали соглашения.", [("residents", 5)]),
    ("de", "Fünf der neuen Firmen kommen aus China.", [("residents", 5)]),
    # Firms that apply are not yet residents; an approved application makes one.
    ("en", "More than 60 investors applied for plots.", []),
    ("ru", "На статус резидента претендуют 40 компаний.", []),
    ("de", "Beworben haben sich 30 Firmen.", []),
    ("en", "The board approved applications from 8 companies.", [("residents", 8)]),
]

MONEY = [
    # Money put, spent, channelled into or brought into a region, private capital: invested.
    ("en", "The residents plan to put RUB 12 billion into new lines.", [("investment", 12e9)]),
    ("en", "Some $3 billion was channelled into software firms.", [("investment", 3e9)]),
    ("en", "The park signed projects worth 6.2 billion rubles.", [("investment", 6.2e9)]),
    ("ru", "Резиденты потратили на оборудование 450 млн рублей.", [("investment", 4.5e8)]),
    ("ru", "Ещё 7 млрд рублей дадут внебюджетные источники.", [("investment", 7e9)]),
    ("ru", "В инфраструктуру парка направлено 2 млрд рублей.", [("investment", 2e9)]),
    ("de", "Zwei Konzerne steckten 80 Millionen Euro in das Werk.", [("investment", 8e7)]),
    ("de", "Die Projekte bringen 4 Milliarden Rubel privates Kapital.", [("investment", 4e9)]),
    ("de", "So wurden 300 Millionen Euro in die Region gebracht.", [("investment", 3e8)]),
    # What building something costs is invested; a grant for it stays a grant.
    ("ru", "Фирма построит испытательный центр за 700 млн рублей.", [("investment", 7e8)]),
    ("en", "The firm will build a test centre for 900 million rubles.", [("investment", 9e8)]),
    ("de", "Die Firma will für 900 Millionen Rubel ein Testzentrum bauen.", [("investment", 9e8)]),
    ("en", "The state gave a 300 million ruble grant for construction.", [("grants", 3e8)]),
    # Money from the budget, or channelled to a recipient, is funding.
    ("en", "The state will channel 4 billion rubles to the agencies.", [("grants", 4e9)]),
    ("ru", "Из федерального бюджета на проект направят 3 млрд рублей.", [("grants", 3e9)]),
    ("de", "Aus dem Bundeshaushalt kommen 2 Mrd. Rubel.", [("grants", 2e9)]),
    ("de", "An Steuern flossen 900 Millionen Rubel.", [("taxes", 9e8)]),
    # Revenue and taxes in any currency; a ranking goes on with the metric of its first figure.
    ("en", "Residents sold services worth $40 million abroad.", [("revenue", 4e7)]),
    ("ru", "Выручка резидентов достигла $2 млрд.", [("revenue", 2e9)]),
    ("en", "Residents paid $30 million in taxes.", [("taxes", 3e7)]),
    ("en", "Electronics makers earned 9 billion rubles. Logistics firms followed with 3.4 "
           "billion rubles.", [("revenue", 9e9), ("revenue", 3.4e9)]),
    ("ru", "Электроника заработала 9 млрд рублей. Следом идут ИТ-компании с 2,4 млрд рублей.",
     [("revenue", 9e9), ("revenue", 2.4e9)]),
    ("de", "Die Elektronik erwirtschaftete 9 Mrd. Rubel, gefolgt von der IT mit 2,4 Mrd. Rubel.",
     [("revenue", 9e9), ("revenue", 2.4e9)]),
]

MONEY_MOVED = [
    # Money that flows, in every tense, or is spent is invested when no keyword names it.
    ("de", "Seit 2019 flossen 70 Millionen Rubel in neue Labore.", [("investment", 7e7)]),
    ("de", "In Straßen und Netze sind bisher 90 Millionen Rubel geflossen.",
     [("investment", 9e7)]),
    ("de", "In das Gelände fließen 2 Mrd. Rubel.", [("investment", 2e9)]),
    ("en", "Some 400 million rubles flowed into the new labs.", [("investment", 4e8)]),
    ("ru", "На оборудование израсходовали 60 млн рублей.", [("investment", 6e7)]),
    # A price right before a sum is what a plant costs; after a sum, what the money is for.
    ("de", "Geplant ist ein Zementwerk für 3,1 Milliarden Rubel.", [("investment", 3.1e9)]),
    ("ru", "Инвестор откроет склад стоимостью 800 млн рублей.", [("investment", 8e8)]),
    ("en", "A region wins 2 billion rubles for three parks.", []),
    ("ru", "Аренда стоит 300 рублей за квадратный метр.", []),
    # Money handed out or lent is funding.
    ("ru", "По конкурсу распределят 2,2 млрд рублей.", [("grants", 2.2e9)]),
    ("ru", "Область направила на эти цели 75 млн рублей.", [("grants", 7.5e7)]),
    ("ru", "Город уже перечислил на эти нужды примерно 30 млн рублей.", [("grants", 3e7)]),
    ("de", "Für Mieten und Gehälter wandten sie 2 Mrd. Rubel auf.", []),
    ("en", "The order gives the agency another 1.1 billion roubles.", [("grants", 1.1e9)]),
    ("en", "The bank committed 3 billion roubles to the park.", [("grants", 3e9)]),
    ("en", "The two sides signed a credit agreement worth 1.8 billion roubles.",
     [("grants", 1.8e9)]),
    ("de", "Die Bank vergab 500 Millionen Rubel an den Park.", [("grants", 5e8)]),
    # A keyword still wins: "flowing" taxes are taxes, investment is investment.
    ("de", "An Einkommensteuer flossen 40 Millionen Rubel.", [("taxes", 4e7)]),
    ("ru", "Резиденты вложили 9 млрд рублей и перечислили в бюджет 1 млрд рублей налогов.",
     [("investment", 9e9), ("taxes", 1e9)]),
    # Exports are what firms sell; payments to the state and social contributions are taxes.
    ("en", "The park's firms pushed their exports to $150 million.", [("revenue", 1.5e8)]),
    ("ru", "Экспорт резидентов составил 300 млн сомов.", [("revenue", 3e8)]),
    ("de", "Die Firmen haben Software für 60 Millionen Euro exportiert.", [("revenue", 6e7)]),
    ("ru", "Выплаты государству составили 45 млн тенге.", [("taxes", 4.5e7)]),
    ("de", "An den Staatshaushalt gingen 80 Millionen Som.", [("taxes", 8e7)]),
    ("de", "Die Sozialbeiträge betrugen 12 Millionen Som.", [("taxes", 1.2e7)]),
    # A sum per person is an average, no figure; a sum each firm gets is one.
    ("ru", "Каждый сотрудник парка приносит около 40 тысяч долларов экспорта.", []),
    ("en", "Each engineer earned the economy about $50,000.", []),
    ("en", "Exports reached $80,000 per employee.", []),
    ("de", "Jeder Mitarbeiter erwirtschaftete 45.000 Euro Umsatz.", []),
    ("en", "Each of the parks will receive a grant of 300 million rubles.", [("grants", 3e8)]),
    # A count after a ruble sum that counts a noun is no sum of rubles.
    ("ru", "Резиденты вложили 3 трлн рублей и создали 95 тысяч рабочих мест.",
     [("investment", 3e12), ("jobs", 95000)]),
]

FROM_THE_FIGURE_BEFORE = [
    # A part counts what its whole counts, whatever verb its sentence says it does.
    ("ru", "Было 72 резидента. Десять из них работают с иностранными инвестициями.",
     [("residents", 72), ("residents", 10)]),
    ("en", "There were 72 residents. Ten of them work with foreign capital.",
     [("residents", 72), ("residents", 10)]),
    ("de", "Es gab 72 Residenten. Zehn davon arbeiten mit Auslandskapital.",
     [("residents", 72), ("residents", 10)]),
    # A share of the payments to the state is a part of that total, whatever levy it names.
    ("de", "Die Firmen überwiesen 500 Millionen Rubel an den Staatshaushalt, darunter 120 "
           "Millionen Rubel an Sozialbeiträgen und 300 Millionen Rubel an Gewinnsteuer.",
     [("taxes", 5e8), ("taxes", 1.2e8), ("taxes", 3e8)]),
    ("ru", "Резиденты перечислили в бюджет 500 млн рублей налогов, в том числе 120 млн рублей "
           "страховых взносов.", [("taxes", 5e8), ("taxes", 1.2e8)]),
    ("en", "Residents paid 500 million roubles in taxes, including 120 million roubles in "
           "insurance contributions.", [("taxes", 5e8), ("taxes", 1.2e8)]),
    # A dash that stands for the verb before repeats that verb's metric.
    ("ru", "Весной между победителями конкурса распределили 300 млн рублей, а осенью, после "
           "второго отбора заявок, — 350 млн рублей.", [("grants", 3e8), ("grants", 3.5e8)]),
    ("en", "Last year 700 million roubles flowed into the park, this year - 900 million "
           "roubles.", [("investment", 7e8), ("investment", 9e8)]),
    ("de", "Im Vorjahr flossen 700 Millionen Rubel in den Park, in diesem Jahr – 900 Millionen "
           "Rubel.", [("investment", 7e8), ("investment", 9e8)]),
    # One value twice in a sentence is two things of one size, not one fact said twice.
    ("ru", "Первый резидент потратит 500 млн рублей на цех, а второй вложит около "
           "полумиллиарда в склад.", [("investment", 5e8), ("investment", 5e8)]),
    ("en", "Five companies became residents in spring, and five more followed in autumn.",
     [("residents", 5), ("residents", 5)]),
    ("de", "Im Frühjahr wurden fünf Unternehmen Residenten, im Herbst folgten fünf weitere.",
     [("residents", 5), ("residents", 5)]),
    # A bare number said to be more of the same counts what the figure before counts; more
    # than something is a difference.
    ("en", "Four firms registered in the park in May, and three more in its second building.",
     [("residents", 4), ("residents", 3)]),
    ("ru", "В мае в парке зарегистрировались четыре фирмы, во втором корпусе — ещё три.",
     [("residents", 4), ("residents", 3)]),
    ("de", "Im Mai ließen sich vier Firmen im Park nieder, im zweiten Gebäude drei weitere.",
     [("residents", 4), ("residents", 3)]),
    ("en", "The park now has 120 residents, 20 more than planned.", [("residents", 120)]),
    # A sentence that goes on takes the last figure of its kind, past a sum between.
    ("en", "Four of the newcomers came in spring with projects worth 2 billion rubles. Another "
           "three followed in autumn.", [("residents", 4), ("investment", 2e9), ("residents", 3)]),
    ("ru", "Весной пришли 4 новых резидента с проектами стоимостью 2 млрд рублей. Следом пришли "
           "ещё 3.", [("residents", 4), ("investment", 2e9), ("residents", 3)]),
    ("de", "Im Frühjahr kamen 4 neue Residenten mit Projekten im Wert von 2 Mrd. Rubel. Im Herbst "
           "folgten weitere 3.", [("residents", 4), ("investment", 2e9), ("residents", 3)]),
]

MONEY_BY_ITS_VERB = [
    # German "umsetzen" of money is turnover.
    ("de", "Die Softwarehäuser haben im Halbjahr 1,4 Milliarden Euro umgesetzt.",
     [("revenue", 1.4e9)]),
    ("de", "Im Vorjahr wurden 800 Millionen Euro umgesetzt.", [("revenue", 8e8)]),
    # A part done of a total ("davon bereits", "из них уже") counts what the total counts.
    ("de", "Zugesagt sind Investitionen von 90 Milliarden Rubel. Umgesetzt sind davon bereits "
           "35 Milliarden Rubel.", [("investment", 9e10), ("investment", 3.5e10)]),
    ("en", "Residents pledged investments of 90 billion roubles, of which already 35 billion "
           "roubles have been spent.", [("investment", 9e10), ("investment", 3.5e10)]),
    # Agreements signed for a total sum are investment.
    ("ru", "Губернатор подписал шесть соглашений на общую сумму 2,3 млрд рублей.",
     [("investment", 2.3e9)]),
    ("de", "Es wurden Verträge im Gesamtwert von 700 Millionen Rubel unterzeichnet.",
     [("investment", 7e8)]),
    ("en", "Six agreements with a total value of 3 billion roubles were signed.",
     [("investment", 3e9)]),
    # Money a recipient gets, or that goes to it, and a contribution to a fund's capital:
    # funding.
    ("ru", "В следующем году агентство получит 4 млрд рублей.", [("grants", 4e9)]),
    ("de", "Der Fonds erhält im nächsten Jahr 4 Milliarden Rubel.", [("grants", 4e9)]),
    ("en", "Another 12 million US dollars will go to the new campus.", [("grants", 1.2e7)]),
    ("ru", "Учредитель внёс имущественный взнос в 50 млн рублей.", [("grants", 5e7)]),
    ("en", "The bank made a capital contribution of 50 million roubles.", [("grants", 5e7)]),
    ("de", "Die Stadt leistete eine Kapitaleinlage von 50 Millionen Rubel.", [("grants", 5e7)]),
    # A bare count in a relative clause counts the noun the clause is about, not the jobs
    # its sentence names.
    ("en", "The hub will create 900 jobs for IT firms, of which the city has about 1.8 "
           "thousand.", [("jobs", 900), ("residents", 1800)]),
    ("ru", "Хаб создаст 900 рабочих мест для ИТ-компаний, которых в городе около 1,8 тысячи.",
     [("jobs", 900), ("residents", 1800)]),
    ("de", "Der Hub schafft 900 Arbeitsplätze für IT-Firmen, von denen es in der Stadt 1.800 "
           "gibt.", [("jobs", 900), ("residents", 1800)]),
    # A fund's capital is money it is to invest; a firm's share capital is no figure.
    ("ru", "Капитал фонда на первом этапе составит 3 млрд рублей.", [("investment", 3e9)]),
    ("ru", "Область учредила фонд с капиталом 3 млрд рублей.", [("investment", 3e9)]),
    ("en", "The region set up a venture fund with a capital of 3 billion roubles.",
     [("investment", 3e9)]),
    ("de", "Die Region gründete einen Risikofonds mit einem Kapital von 3 Milliarden Rubel.",
     [("investment", 3e9)]),
    ("ru", "Резидентом стала компания с уставным капиталом 10 тыс. рублей.", []),
    # Money brought to the budgets is taxes.
    ("ru", "Кластер будет приносить бюджету около 7 млрд рублей ежегодно.", [("taxes", 7e9)]),
    ("en", "The zone brought 7 billion roubles into the budget last year.", [("taxes", 7e9)]),
    ("de", "Die Zone spülte 7 Milliarden Rubel in die Staatskasse.", [("taxes", 7e9)]),
]


@pytest.mark.parametrize(("language", "text", "expected"),
                         MONEY_BY_ITS_VERB + NOUN_AFTER_A_SCALE_WORD + JOBS_OR_PEOPLE + FIRMS
                         + MONEY + MONEY_MOVED + FROM_THE_FIGURE_BEFORE)
def test_each_figure_typed_by_what_it_counts(starter: Matcher, language: str, text: str,
                                             expected: list[tuple]) -> None:
    assert typed(starter, text, language) == expected
