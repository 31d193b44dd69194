"""The full article pages of the farm: news pages in Russian, English and German, each distinct.

A page is what a regional news site serves: a <head> with title, description and canonical
link, a header with the site's menu, a breaking-news ticker, the article (headline, dateline,
three paragraphs), a "most read" sidebar, share buttons, a cookie notice and a footer with the
legal text, plus the scripts and styles such sites carry. Extraction has to find the article
among all that, as it does on real pages.

The text is drawn from the sentences below (written for this bench), nine to a page, picked
and ordered by the feed and entry number with the city, street, dates and figures filled in,
so no two pages are alike. Every sentence has two or more such slots because two pages of one
language share about two sentences, and without them a third of the pages shared enough
three-word runs with an earlier one to be grouped as its copy (`monitor.stories`, from 0.25):
now about one page in twenty is, about as often as a syndicated item in real news. One page in
three names an organisation of the shipped rules with figures of the starter metrics (revenue,
residents, jobs, area, investment, exports).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

LANGUAGES = ("ru", "ru", "en", "de")
"""A feed's language by its number: half the feeds Russian, a quarter each English and
German."""
ORG_PAGE_EVERY = 3
"""Every third page names an organisation."""

CITIES = {
    "ru": [("Якутск", "Якутске", "Якутска"), ("Казань", "Казани", "Казани"),
           ("Новосибирск", "Новосибирске", "Новосибирска"), ("Томск", "Томске", "Томска"),
           ("Самара", "Самаре", "Самары"), ("Калуга", "Калуге", "Калуги"),
           ("Иркутск", "Иркутске", "Иркутска"), ("Красноярск", "Красноярске", "Красноярска"),
           ("Пермь", "Перми", "Перми"), ("Тюмень", "Тюмени", "Тюмени")],
    "en": [(c, c, c) for c in ("Yakutsk", "Kazan", "Novosibirsk", "Tomsk", "Samara", "Kaluga",
                               "Irkutsk", "Krasnoyarsk", "Perm", "Tyumen")],
    "de": [(c, c, c) for c in ("Jakutsk", "Kasan", "Nowosibirsk", "Tomsk", "Samara", "Kaluga",
                               "Irkutsk", "Krasnojarsk", "Perm", "Tjumen")],
}

PLAIN = {
    "ru": [
        "Администрация утвердила план ремонта {n} дворов на {y} год, работы начнутся в апреле "
        "и обойдутся в {x} млн рублей.",
        "Синоптики обещают к {d} числу похолодание до минус {t} градусов, днём ожидается снег с "
        "ветром до {k} метров в секунду.",
        "Городской транспорт переходит на безналичную оплату: с {d} числа терминалы появятся в "
        "{n} автобусах и {k} трамваях.",
        "Областная библиотека открыла после реконструкции читальный зал на {n} мест, ремонт "
        "занял {k} месяцев.",
        "Школьники из {city_gen} заняли {k}-е место на всероссийской олимпиаде по "
        "программированию, обойдя команды ещё {n} городов.",
        "На набережной высадили {n} молодых лип и клёнов, а к {d} мая привезут ещё {k} сотен "
        "саженцев.",
        "Мэрия объявила конкурс на проект сквера у вокзала площадью {k} гектаров, заявки "
        "принимают до {d} числа.",
        "Врачи городской больницы провели {k} операций на сердце с помощью отечественного "
        "робота, первый пациент выписан на {t}-й день.",
        "В аэропорту {city_gen} завершили реконструкцию полосы длиной {n}0 метров, работы стоили "
        "{x} млрд рублей.",
        "Ледовую переправу через реку откроют на {k} дней раньше обычного: толщина льда уже "
        "превышает {t} сантиметров.",
        "Цены на овощи на местных рынках за месяц выросли в среднем на {p}%, огурцы подорожали "
        "до {n} рублей за килограмм.",
        "Университет набрал на бюджетные места {n} первокурсников, проходной балл на "
        "информатику составил {t}{k} баллов.",
        "Жители {k} домов на улице {street} пожаловались на перебои с горячей водой, ремонт "
        "обещают закончить к {d} числу.",
        "В театре оперы и балета прошла премьера, все {n} билетов на {k} ближайших показов "
        "раскуплены.",
        "Полиция за неделю получила {k}{t} заявлений о телефонном мошенничестве, ущерб превысил "
        "{x} млн рублей.",
        "Центр занятости провёл ярмарку вакансий, {k}{k} работодателей предложили больше {n} "
        "рабочих мест для выпускников.",
        "Краеведческий музей получил в дар {n} старинных фотографий города, выставка откроется "
        "{d} числа.",
        "Волонтёры за выходные собрали на берегу озера {k} тонн мусора и установили {t} новых "
        "указателей для туристов.",
        "Депутаты городской думы одобрили поправки к бюджету: на благоустройство добавили "
        "{x} млн рублей, на дороги ещё {n} млн.",
        "Сборная {city_gen} по мини-футболу выиграла полуфинал со счётом {k}:{d}, финал пройдёт "
        "в субботу.",
        "В {k}{t} поликлиниках начали бесплатную вакцинацию от гриппа, за первую неделю привились "
        "{n} человек.",
        "Строители сдали школу на {n}0 учеников на улице {street} с бассейном и {k} кабинетами "
        "робототехники.",
        "Мост через протоку закроют на {k} недель с {d} числа, автобусы {t}-го маршрута пустят в "
        "объезд.",
        "Филармония объявила фестиваль камерной музыки: {k} концертов и {t} мастер-классов "
        "пройдут с {d} числа.",
        "Ветеринарная служба с {d} числа проведёт бесплатную вакцинацию, за прошлый год привили "
        "{n} собак.",
        "Из-за ветра до {t} метров в секунду без света на {k} часов остались {n} домов на улице "
        "{street}.",
        "Новый маршрут электрички свяжет центр с аэропортом за {t} минут, первый рейс назначен "
        "на {y} год.",
        "Управление образования сообщило, что зимние каникулы начнутся {d} декабря и продлятся "
        "{k} дней.",
        "Фермеры региона собрали {n} тысяч тонн картофеля, на {p}% больше прошлогоднего.",
        "Общественники предложили превратить кинотеатр на улице {street} в молодёжный центр, "
        "под проектом подписались {n} человек.",
    ],
    "en": [
        "The administration approved repairs to {n} courtyards for {y}, with work starting in "
        "April at a cost of {x} million roubles.",
        "Forecasters expect temperatures to fall to minus {t} degrees by the {d}th, with snow "
        "and winds of up to {k} metres a second.",
        "Public transport is switching to cashless fares: from the {d}th, card readers will be "
        "in {n} buses and {k} trams.",
        "The regional library reopened its reading room for {n} visitors after a renovation "
        "that took {k} months.",
        "Pupils from {city} finished in position {k} at the national programming olympiad, "
        "ahead of teams from {n} other cities.",
        "Volunteers planted {n} young lime and maple trees along the embankment, and {k} hundred "
        "more saplings will arrive by {d} May.",
        "The mayor's office launched a design competition for a {k}-hectare square by the "
        "station, with entries accepted until the {d}th.",
        "Surgeons at the city hospital have performed {k} heart operations with a domestic "
        "robot, and the first patient went home on day {t}.",
        "The airport in {city} finished rebuilding its {n}0-metre runway at a cost of {x} "
        "billion roubles.",
        "The ice crossing over the river will open {k} days earlier than usual, as the ice is "
        "already more than {t} centimetres thick.",
        "Vegetable prices at local markets rose by {p}% over the month, with cucumbers now {n} "
        "roubles a kilogram.",
        "The university admitted {n} state-funded first-year students, and the pass mark for "
        "computer science was {t}{k} points.",
        "Residents of {k} buildings on {street} complained about hot water cuts, and repairs "
        "are promised by the {d}th.",
        "The opera and ballet theatre staged a premiere, and all {n} tickets for the next {k} "
        "performances have sold out.",
        "Police received {k}{t} reports of telephone fraud in a week, with losses above {x} "
        "million roubles.",
        "At the job fair, {k}{k} employers offered more than {n} vacancies for graduates.",
        "The local history museum received {n} old photographs of the city as a gift, and the "
        "exhibition opens on the {d}th.",
        "Volunteers collected {k} tonnes of litter on the lake shore over the weekend and put "
        "up {t} new signposts for hikers.",
        "City council members added {x} million roubles for parks and {n} million for roads in "
        "amendments to the budget.",
        "The {city} futsal team won its semi-final {k}-{d}, and the final will be played on "
        "Saturday.",
        "Free flu vaccinations began in {k}{t} clinics, and {n} people were vaccinated in the "
        "first week.",
        "Builders handed over a school for {n}0 pupils on {street} with a swimming pool and {k} "
        "robotics classrooms.",
        "The bridge over the channel will close for {k} weeks from the {d}th, and route {t} "
        "buses will be diverted.",
        "The philharmonic announced a chamber music festival of {k} concerts and {t} master "
        "classes from the {d}th.",
        "The veterinary service will vaccinate pets free of charge from the {d}th, after {n} "
        "dogs were vaccinated last year.",
        "Winds of up to {t} metres a second left {n} homes on {street} without power for {k} "
        "hours.",
        "A new suburban line will take {t} minutes from the centre to the airport, with the "
        "first train due in {y}.",
        "The education department said winter holidays would begin on {d} December and last "
        "{k} days.",
        "Farmers in the region harvested {n} thousand tonnes of potatoes, {p}% more than last "
        "year.",
        "Activists proposed turning the cinema on {street} into a youth centre, and {n} people "
        "have signed the proposal.",
    ],
    "de": [
        "Die Verwaltung hat die Sanierung von {n} Innenhöfen für {y} beschlossen, die Arbeiten "
        "beginnen im April und kosten {x} Millionen Rubel.",
        "Meteorologen erwarten bis zum {d}. minus {t} Grad, dazu Schnee und Wind mit bis zu {k} "
        "Metern pro Sekunde.",
        "Der Nahverkehr stellt auf bargeldloses Bezahlen um: ab dem {d}. haben {n} Busse und {k} "
        "Straßenbahnen Kartenleser.",
        "Die Gebietsbibliothek hat ihren Lesesaal mit {n} Plätzen nach {k} Monaten Renovierung "
        "wieder geöffnet.",
        "Schüler aus {city} belegten bei der landesweiten Programmierolympiade Platz {k} vor "
        "Teams aus {n} weiteren Städten.",
        "An der Uferpromenade wurden {n} junge Linden gepflanzt, bis zum {d}. Mai kommen weitere "
        "{k} hundert Setzlinge.",
        "Das Rathaus schreibt einen Wettbewerb für einen {k} Hektar großen Platz am Bahnhof aus, "
        "Entwürfe bis zum {d}.",
        "Ärzte des Stadtkrankenhauses haben {k} Herzoperationen mit einem einheimischen Roboter "
        "ausgeführt, der erste Patient ging am {t}. Tag nach Hause.",
        "Der Flughafen von {city} hat seine {n}0 Meter lange Landebahn für {x} Milliarden Rubel "
        "saniert.",
        "Die Eisstraße über den Fluss öffnet {k} Tage früher als sonst, das Eis ist bereits "
        "mehr als {t} Zentimeter dick.",
        "Gemüse auf den Märkten wurde binnen eines Monats um {p} Prozent teurer, Gurken kosten "
        "nun {n} Rubel das Kilo.",
        "Die Universität nahm {n} Studienanfänger auf staatlich finanzierte Plätze auf, in der "
        "Informatik lag die Grenze bei {t}{k} Punkten.",
        "Bewohner von {k} Häusern in der {street} beklagten Ausfälle beim Warmwasser, bis zum "
        "{d}. soll repariert sein.",
        "Im Opern- und Balletttheater fand eine Premiere statt, alle {n} Karten für die nächsten "
        "{k} Vorstellungen sind verkauft.",
        "Die Polizei erhielt in einer Woche {k}{t} Anzeigen wegen Telefonbetrugs, der Schaden "
        "liegt über {x} Millionen Rubel.",
        "Auf der Jobmesse boten {k}{k} Arbeitgeber mehr als {n} Stellen für Absolventen an.",
        "Das Heimatmuseum erhielt {n} alte Fotografien der Stadt als Schenkung, die Ausstellung "
        "öffnet am {d}.",
        "Freiwillige sammelten am Wochenende {k} Tonnen Müll am Seeufer und stellten {t} neue "
        "Wegweiser auf.",
        "Der Stadtrat gab im Nachtragshaushalt {x} Millionen Rubel für Grünanlagen und {n} "
        "Millionen für Straßen frei.",
        "Die Futsal-Mannschaft aus {city} gewann ihr Halbfinale {k}:{d}, das Finale ist am "
        "Samstag.",
        "In {k}{t} Polikliniken hat die kostenlose Grippeimpfung begonnen, in der ersten Woche "
        "ließen sich {n} Menschen impfen.",
        "Bauarbeiter übergaben eine Schule für {n}0 Kinder in der {street} mit Schwimmbad und {k} "
        "Räumen für Robotik.",
        "Die Brücke über den Seitenarm wird ab dem {d}. für {k} Wochen gesperrt, die Busse der "
        "Linie {t} fahren Umwege.",
        "Die Philharmonie kündigte ein Kammermusikfestival mit {k} Konzerten und {t} "
        "Meisterkursen ab dem {d}. an.",
        "Das Veterinäramt impft ab dem {d}. kostenlos, im vergangenen Jahr wurden {n} Hunde "
        "geimpft.",
        "Wind mit bis zu {t} Metern pro Sekunde ließ {n} Wohnungen in der {street} für {k} "
        "Stunden ohne Strom.",
        "Eine neue Vorortbahn soll das Zentrum in {t} Minuten mit dem Flughafen verbinden, der "
        "erste Zug fährt {y}.",
        "Die Schulbehörde teilte mit, dass die Winterferien am {d}. Dezember beginnen und {k} "
        "Tage dauern.",
        "Die Landwirte der Region ernteten {n} Tausend Tonnen Kartoffeln, {p} Prozent mehr als "
        "im Vorjahr.",
        "Bürger schlagen vor, das Kino in der {street} in ein Jugendzentrum umzubauen, {n} "
        "Menschen haben unterschrieben.",
    ],
}

STREETS = {
    "ru": ["Ленина", "Пушкина", "Гагарина", "Лермонтова", "Чехова", "Кирова", "Мира",
           "Советской", "Октябрьской", "Набережной", "Садовой", "Лесной", "Заводской",
           "Школьной", "Молодёжной", "Полевой"],
    "en": ["Lenin Street", "Pushkin Street", "Gagarin Avenue", "Lermontov Street",
           "Chekhov Street", "Kirov Street", "Peace Avenue", "Soviet Street", "October Street",
           "Embankment Road", "Garden Street", "Forest Lane", "Factory Road", "School Lane",
           "Youth Avenue", "Field Street"],
    "de": ["Leninstraße", "Puschkinstraße", "Gagarinallee", "Lermontowstraße",
           "Tschechowstraße", "Kirowstraße", "Friedensallee", "Sowjetstraße", "Oktoberstraße",
           "Uferstraße", "Gartenstraße", "Waldweg", "Fabrikstraße", "Schulweg", "Jugendallee",
           "Feldstraße"],
}

NAMED = {
    "ru": [
        "{org} подвёл итоги {y} года: выручка его резидентов составила {x} млрд рублей, на "
        "{p}% больше, чем годом ранее.",
        "Число резидентов, которых принял {org}, выросло до {n} компаний, ещё {k} заявок "
        "рассматривает экспертный совет.",
        "{org} вводит в эксплуатацию новый корпус площадью {n} тыс. кв. м для "
        "производственных компаний.",
        "За год на площадке, которой управляет {org}, создано {n} рабочих мест, средняя "
        "зарплата там выше региональной на {p}%.",
        "Объём частных инвестиций в проекты, которые сопровождает {org}, превысил {x} млрд "
        "рублей.",
        "Как рассказали в пресс-службе, {org} до конца года откроет центр прототипирования и "
        "лабораторию испытаний электроники.",
        "{org} сообщил, что экспорт продукции его резидентов вырос на {p}% и достиг {x} млрд "
        "рублей.",
        "В конкурсе стартапов, который провёл {org}, участвовали {n} команд, победители получат "
        "гранты до {k} млн рублей.",
    ],
    "en": [
        "{org} reported that its resident companies earned {x} billion roubles in {y}, up {p}% "
        "on the previous year.",
        "The number of residents at {org} has grown to {n} companies, and the expert council "
        "is reviewing {k} more applications.",
        "{org} is opening a new building of {n} thousand square metres for manufacturing "
        "firms.",
        "Residents of {org} created {n} jobs over the year, with average pay {p}% above the "
        "regional level.",
        "Private investment in projects backed by {org} has passed {x} billion roubles, its "
        "press office said.",
        "A spokesperson said {org} would open a prototyping centre and an electronics test "
        "laboratory before the end of the year.",
        "Exports by the residents of {org} rose by {p}% to {x} billion roubles.",
        "{n} teams entered the start-up contest held by {org}; the winners will receive grants "
        "of up to {k} million roubles.",
    ],
    "de": [
        "{org} meldete, dass seine Residenten im Jahr {y} einen Umsatz von {x} Milliarden Rubel "
        "erzielten, {p} Prozent mehr als im Vorjahr.",
        "Die Zahl der Residenten von {org} ist auf {n} Unternehmen gestiegen, weitere {k} "
        "Anträge prüft der Expertenrat.",
        "{org} eröffnet ein neues Gebäude mit {n} Tausend Quadratmetern für "
        "Produktionsbetriebe.",
        "Die Residenten von {org} schufen im Laufe des Jahres {n} Arbeitsplätze, die Löhne "
        "liegen {p} Prozent über dem regionalen Durchschnitt.",
        "Die privaten Investitionen in Projekte von {org} haben {x} Milliarden Rubel "
        "überschritten, teilte die Pressestelle mit.",
        "Nach Angaben eines Sprechers wird {org} bis Jahresende ein Prototypenzentrum und ein "
        "Prüflabor für Elektronik eröffnen.",
        "Die Exporte der Residenten von {org} stiegen um {p} Prozent auf {x} Milliarden Rubel.",
        "Am Start-up-Wettbewerb von {org} nahmen {n} Teams teil, die Sieger erhalten Zuschüsse "
        "von bis zu {k} Millionen Rubel.",
    ],
}

HEADLINES = {
    "ru": ["Новости {city_gen}: главное за день", "Что изменится в {city_loc} с понедельника",
           "Итоги недели в {city_loc}", "Город готовится к зиме", "Коротко о важном",
           "Хроника дня: {city}"],
    "en": ["{city} news: the day's main stories", "What changes in {city} from Monday",
           "The week in {city}", "The city gets ready for winter", "In brief",
           "Day in review: {city}"],
    "de": ["Nachrichten aus {city}: das Wichtigste des Tages", "Was sich in {city} ab Montag "
           "ändert", "Die Woche in {city}", "Die Stadt rüstet sich für den Winter", "Kurz notiert",
           "Tageschronik: {city}"],
}

SITE = {
    "ru": {"name": "Вестник {city_gen}", "menu": ["Главная", "Новости", "Экономика", "Общество",
           "Происшествия", "Спорт", "Культура", "Авто", "Недвижимость", "Афиша", "Погода",
           "Контакты"], "ticker": "Срочно", "read": "Самое читаемое", "share": "Поделиться",
           "cookies": "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая "
           "пользоваться сайтом, вы соглашаетесь с политикой конфиденциальности.",
           "legal": "Сетевое издание зарегистрировано Федеральной службой по надзору в сфере "
           "связи, информационных технологий и массовых коммуникаций. Любое использование "
           "материалов допускается только при наличии гиперссылки на источник. Редакция не "
           "несёт ответственности за содержание рекламных объявлений.",
           "rights": "Все права защищены", "comments": "Комментарии", "more": "Читайте также",
           "topics": ["Город", "Регион", "Власть", "Бизнес", "Финансы", "Технологии",
                      "Образование", "Здоровье"],
           "people": ["Ирина", "Алексей_74", "Сергей П.", "Наталья", "гость", "Виктор"]},
    "en": {"name": "{city} Herald", "menu": ["Home", "News", "Business", "Society", "Incidents",
           "Sport", "Culture", "Cars", "Property", "What's on", "Weather", "Contact"],
           "ticker": "Breaking", "read": "Most read", "share": "Share",
           "cookies": "We use cookies to make this site work better. By continuing to use it "
           "you accept our privacy policy.",
           "legal": "This online publication is registered with the media regulator. Any use "
           "of our material requires a hyperlink to the source. The editors are not "
           "responsible for the content of advertisements.",
           "rights": "All rights reserved", "comments": "Comments", "more": "Read also",
           "topics": ["City", "Region", "Politics", "Companies", "Money", "Technology",
                      "Education", "Health"],
           "people": ["Irina", "alex74", "Sergey P.", "Natalia", "guest", "Victor"]},
    "de": {"name": "{city}er Anzeiger", "menu": ["Startseite", "Nachrichten", "Wirtschaft",
           "Gesellschaft", "Blaulicht", "Sport", "Kultur", "Auto", "Immobilien", "Termine",
           "Wetter", "Kontakt"], "ticker": "Eilmeldung", "read": "Meistgelesen",
           "share": "Teilen",
           "cookies": "Wir verwenden Cookies, damit die Website besser funktioniert. Wenn Sie "
           "die Seite weiter nutzen, stimmen Sie unserer Datenschutzerklärung zu.",
           "legal": "Dieses Online-Medium ist bei der Medienaufsicht registriert. Jede Nutzung "
           "unserer Inhalte ist nur mit einem Link zur Quelle gestattet. Die Redaktion "
           "haftet nicht für den Inhalt von Anzeigen.",
           "rights": "Alle Rechte vorbehalten", "comments": "Kommentare",
           "more": "Lesen Sie auch",
           "topics": ["Stadt", "Region", "Politik", "Unternehmen", "Geld", "Technik", "Bildung",
                      "Gesundheit"],
           "people": ["Irina", "alex74", "Sergej P.", "Natalja", "Gast", "Viktor"]},
}

SENTENCES_PER_PAGE = 9
NAMED_PER_PAGE = 3
PARAGRAPHS = 3
START = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Article:
    language: str
    title: str
    teaser: str
    paragraphs: tuple[str, ...]
    named: str | None
    """The organisation the page names, or None."""


def language_of(feed: int) -> str:
    return LANGUAGES[feed % len(LANGUAGES)]


def city_of(feed: int) -> tuple[str, str, str]:
    """The city of a feed's site (its name, its "in" and "of" forms)."""
    cities = CITIES[language_of(feed)]
    return cities[(feed // len(LANGUAGES)) % len(cities)]


def article(feed: int, entry: int, names: dict[str, list[str]]) -> Article:
    """Entry `entry` of feed `feed`; `names` are organisation names per language."""
    language = language_of(feed)
    rng = random.Random(feed * 1_000_003 + entry)
    city = city_of(feed)
    named = None
    picked = rng.sample(PLAIN[language], SENTENCES_PER_PAGE)
    if (feed + entry) % ORG_PAGE_EVERY == 0:
        pool = names[language]
        named = pool[(feed * 7 + entry) % len(pool)]
        picked[:NAMED_PER_PAGE] = rng.sample(NAMED[language], NAMED_PER_PAGE)
        rng.shuffle(picked)
    sentences = [fill(s, language, rng, city, named) for s in picked]
    per = -(-len(sentences) // PARAGRAPHS)
    paragraphs = tuple(" ".join(sentences[i:i + per]) for i in range(0, len(sentences), per))
    title = fill(rng.choice(HEADLINES[language]), language, rng, city, named)
    if named:
        title = f"{named}: {title}"
    return Article(language, title, sentences[0], paragraphs, named)


def fill(template: str, language: str, rng: random.Random, city: tuple[str, str, str],
         org: str | None) -> str:
    """`template` with `city` (its name, its "in" and "of" forms), `org` and figures drawn from
    `rng`."""
    decimal = f"{rng.randint(11, 199) / 10:.1f}"
    return template.format(
        city=city[0], city_loc=city[1], city_gen=city[2], org=org, y=rng.randint(2024, 2027),
        n=rng.randint(12, 480), k=rng.randint(2, 9), t=rng.randint(5, 38), p=rng.randint(3, 48),
        d=rng.randint(1, 28), street=rng.choice(STREETS[language]),
        x=decimal if language == "en" else decimal.replace(".", ","))


def page_html(feed: int, entry: int, port: int, story: Article, others: list[Article]) -> str:
    """The whole page of `story`; `others` (later entries of its feed) fill the news column,
    the most-read list, the related cards and the page's state script, as on a news site."""
    language = story.language
    site = SITE[language]
    city, city_loc, city_gen = city_of(feed)
    name = escape(site["name"].format(city=city, city_loc=city_loc, city_gen=city_gen))
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/news/{entry}"
    when = START + timedelta(minutes=entry)
    title = escape(story.title)
    links = [(f"{base}/news/{entry + i}", escape(o.title), escape(o.teaser))
             for i, o in enumerate(others, 1)]
    menu = "".join(
        f'<li class="menu__item"><a href="{base}/section/{i}">{escape(item)}</a>'
        f'<div class="menu__drop"><ul>' + "".join(
            f'<li><a href="{base}/section/{i}/{j}">{escape(sub)}</a></li>'
            for j, sub in enumerate(site["topics"])) + "</ul></div></li>"
        for i, item in enumerate(site["menu"]))
    column = "".join(f'<li class="feed__item"><span class="feed__time">{(entry + i) % 24:02d}:'
                     f'{(i * 7) % 60:02d}</span><a href="{href}">{text}</a></li>'
                     for i, (href, text, _) in enumerate(links))
    cards = "".join(f'<div class="card"><a href="{href}"><img src="{href}.jpg" alt="" '
                    f'loading="lazy"><div class="card__title">{text}</div></a>'
                    f'<div class="card__lead">{lead}</div><div class="card__meta">'
                    f'<span class="views">{(feed * 31 + i * 17) % 900 + 100}</span></div></div>'
                    for i, (href, text, lead) in enumerate(links[:10]))
    comments = "".join(f'<div class="comment"><div class="comment__author">{escape(person)}'
                       f'</div><div class="comment__text">{lead}</div></div>'
                       for person, (_, _, lead) in zip(site["people"], links[10:], strict=False))
    footer = "".join(f'<li><a href="{base}/section/{i}/{j}">{escape(sub)}</a></li>'
                     for i in range(len(site["menu"])) for j, sub in enumerate(site["topics"][:4]))
    styles = "".join(f".b{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2731 % 4096:03x}}}"
                     for i in range(300))
    state = ",".join(f'{{"id":{entry + i},"url":"{href}","title":"{text}"}}'
                     for i, (href, text, _) in enumerate(links, 1))
    body = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<title>{title} | {name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(story.teaser)}">
<meta property="og:title" content="{title}"><meta property="og:type" content="article">
<meta property="og:url" content="{url}"><meta property="og:site_name" content="{name}">
<meta name="twitter:card" content="summary_large_image"><link rel="canonical" href="{url}">
<link rel="icon" href="{base}/favicon.ico"><link rel="stylesheet" href="{base}/static/main.css">
<style>{styles}</style>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{title}","datePublished":"{when.isoformat()}","publisher":{{"@type":
"Organization","name":"{name}"}}}}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}
gtag('js',new Date());gtag('config','UA-{feed:05d}-1');</script>
</head><body class="page page--article">
<div class="cookies">{escape(site["cookies"])} <button>OK</button></div>
<div class="topbar"><span class="topbar__city">{escape(city)}</span>
<span class="topbar__weather">-{(feed + entry) % 30 + 5} &deg;C</span>
<span class="topbar__rate">USD {90 + entry % 9},{feed % 100:02d}</span></div>
<header class="header"><a class="logo" href="{base}/">{name}</a>
<nav class="nav"><ul class="menu">{menu}</ul></nav>
<form class="search" action="{base}/search"><input name="q"><button>&#128269;</button></form>
</header>
<div class="ticker"><b>{escape(site["ticker"])}:</b> <a href="{links[0][0]}">{links[0][1]}</a>
</div>
<div class="layout"><main class="content">
<div class="breadcrumbs"><a href="{base}/">{escape(site["menu"][0])}</a> /
<a href="{base}/section/1">{escape(site["menu"][1])}</a></div>
<article class="article">
<h1 class="article__title">{title}</h1>
<div class="article__meta"><time datetime="{when.isoformat()}">{when:%d.%m.%Y %H:%M}</time>
<span class="views">{(feed * 13 + entry * 7) % 5000 + 200}</span></div>
<div class="article__body">{body}</div>
<div class="share">{escape(site["share"])}: <a href="#">VK</a> <a href="#">OK</a>
<a href="#">Telegram</a></div>
</article>
<div class="adv"><div class="adv__slot" id="adv-{feed}-{entry}"><div><div></div></div></div></div>
<section class="comments"><h3>{escape(site["comments"])}</h3>{comments}</section>
<section class="related"><h3>{escape(site["more"])}</h3><div class="cards">{cards}</div>
</section></main>
<aside class="sidebar"><section class="feed"><h3>{escape(site["menu"][1])}</h3>
<ul>{column}</ul></section>
<section class="popular"><h3>{escape(site["read"])}</h3><div class="cards">{cards}</div>
</section></aside></div>
<footer class="footer"><ul class="footer__map">{footer}</ul>
<p>{escape(site["legal"])}</p><p>&copy; 2026 {name}. {escape(site["rights"])}. 18+</p>
</footer>
<script>window.__STATE__={{"page":{entry},"articles":[{state}]}};</script>
<script src="{base}/static/app.js" async></script>
</body></html>"""
