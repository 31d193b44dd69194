"""The words and signs monitor.numbers reads: months, number words, scale words, units,
currencies, qualifiers and the phrases that make a number no figure.

Kept apart from the logic so that a word can be added without reading a regex; every table is
plain strings, lowercase unless the casing itself matters ("US-Dollar", "kW"). The logic
module compiles them once, at import.
"""

from __future__ import annotations

MONTH_WORDS = [
    *(
        f"{stem}{ending}"
        for stem in ("январ", "феврал", "апрел", "июн", "июл", "сентябр", "октябр", "ноябр",
                     "декабр")
        for ending in "ьяюе"
    ),
    *(f"{stem}{ending}" for stem in ("март", "август") for ending in ("", "а", "е", "у")),
    *"май мая мае маю".split(),
    *"january february march april may june july august september october november december"
    .split(),
    *"jan feb mar apr jun jul aug sep sept oct nov dec".split(),
    *"januar jänner februar märz mai juni juli oktober dezember".split(),
]

RU_SCALE_ENDINGS = ("", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах")
METRE_FORMS = ("метр", "метра", "метров", "метры", "метрам", "метрами", "метрах", "метре")

def _declined(stem: str, endings: str) -> tuple[str, ...]:
    return tuple(f"{stem}{ending}" for ending in endings.split(","))


# The currencies of the countries whose parks the Russian press reports beside its own
# (Kyrgyzstan's and Belarus's hi-tech parks, Astana Hub, IT Park Uzbekistan, Armenia, China):
# code -> (words after a number, signs or codes before it). Reported as they are written, never
# converted: an analyst compares roubles with roubles. "Som" is Kyrgyz (the Uzbek one is
# "сум"/"sum" in Russian and English press); "белорусский рубль" must be read before "рубль".
OTHER_CURRENCIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "KGS": (("kgs", "som", "soms", "сом", "сом.", *_declined("сом", "а,ов,ы,ам,ами,ах,е,у")),
            ("kgs",)),
    "KZT": (("kzt", "₸", "tenge", "тенге", "тг", "тг."), ("kzt", "₸")),
    "BYN": (("byn", "byr",
             *(f"{adjective} {noun}" for adjectives, nouns in (
                 (_declined("белорусск", "ий,их,ого,ому,им,ими,ом,ие"),
                  _declined("рубл", "ь,я,ей,ю,ем,ём,ям,ями,ях,и,е")),
                 (("belarusian", "belarussian"), ("rubles", "roubles", "ruble", "rouble")),
                 (_declined("belarusische", ",n,r"), ("Rubel", "Rubeln")))
               for adjective in adjectives for noun in nouns)),
            ("byn", "byr")),
    "UZS": (("uzs", "sum", "sums", "soum", "soums", "сум", "сумов", "сума", "сумам", "сумами"),
            ("uzs",)),
    "AMD": (("amd", "֏", "dram", "drams", *_declined("драм", ",а,ов,ы,ам,ами,ах,е")),
            ("amd", "֏")),
    "CNY": (("cny", "rmb", "yuan", "renminbi", "юань", "юаня", "юаней", "юани", "юаням",
             "юанями", "юанях"), ("cny", "rmb")),
}

# Everything that may follow a number: scale words, units, and words that make it no quantity.
AFTER_PHRASES: dict[str, tuple[str, ...]] = {
    "k": ("тыс", "тыс.", "thousand", "of thousands", "tsd", "tsd.", "tausend",
          *(f"тысяч{e}" for e in ("", "а", "и", "у", "ей", "ею", "е", "ам", "ами", "ах"))),
    "m": ("млн", "млн.", "mln", "mln.", "mn", "mio", "mio.", "million", "of millions",
          "millionen",
          *(f"миллион{e}" for e in RU_SCALE_ENDINGS)),
    "b": ("млрд", "млрд.", "mrd", "mrd.", "bn", "bln", "bln.", "of billions", "milliarde",
          "milliarden",
          *(f"миллиард{e}" for e in RU_SCALE_ENDINGS)),
    "billion": ("billion",),  # 10^9 in English, 10^12 in German
    "t": ("трлн", "трлн.", "trillion", "billionen",
          *(f"триллион{e}" for e in RU_SCALE_ENDINGS)),
    "RUB": ("руб", "руб.", "р.", "₽", "rub", "rur", "rbl", "rbl.", "rbls", "rbs", "rbs.",
            "ruble", "rubles", "rouble", "roubles", "rubel",
            "rubeln", *(f"рубл{e}" for e in ("ь", "я", "ей", "ю", "ем", "ём", "ям", "ями",
                                             "ях", "и", "е"))),
    "USD": ("$", "usd", "долл.", "dollar", "dollars", "US dollar", "US dollars", "U.S. dollar",
            "U.S. dollars", "us-dollar", "US-Dollar",
            *(f"доллар{e}" for e in ("", "а", "ов", "ы", "ам", "ами", "ах", "у", "ом", "е"))),
    "EUR": ("€", "eur", "евро", "euro", "euros"),
    **{code: words for code, (words, _) in OTHER_CURRENCIES.items()},
    "m2": ("кв.м", "кв. м", "кв м", "м²", "м2", "m²", "m2", "sq m", "sq. m", "sq.m", "sqm",
           "square metre", "square metres", "square meter", "square meters",
           "square-metre", "square-meter", "quadratmeter", "quadratmetern", "qm",
           *(f"кв{sep}{metre}" for sep in (".", ". ", " ") for metre in METRE_FORMS),
           *(f"квадратн{e} {metre}" for e in ("ый", "ых", "ого", "ые", "ом", "ым")
             for metre in METRE_FORMS)),
    # Slang for square metres ("49 тысяч «квадратов»"): area only in a sentence about area.
    "m2_loose": tuple(f"{quote}квадрат{e}{close}" for e in ("ов", "а", "ы", "ам", "ами", "ах")
                      for quote, close in (("", ""), ("«", "»"), ('"', '"'), ("„", "“"))),
    # "350 тысяч метров" is floor area, "300 метров" a distance: read only after a scale word.
    "metre": METRE_FORMS,
    "ha": ("га", "hectare", "hectares", "ha", "hektar", "hektars", "hektaren",
           *(f"гектар{e}" for e in ("", "а", "ов", "ы", "ам", "ами", "ах", "е"))),
    "percent": ("%", "п.п.", "п. п.", "percent", "per cent", "percentage point",
                "percentage points", "prozent", "prozentpunkt", "prozentpunkte",
                "prozentpunkten",
                *(f"процент{e}" for e in ("", "а", "ов", "ы", "ам", "ами", "ах", "е"))),
    # "десять с лишним лет", "2 млрд с небольшим", "20-odd companies", "60-plus firms": a bit
    # more than the number; the scale word and unit after it still belong to the number. Not
    # "+", which after a number is an age rating ("18+").
    "over": ("с лишним", "с небольшим", "с хвостиком", "с гаком", "odd", "plus"),
    "people": ("человек", "человека", "чел.", "people", "persons", "personen", "menschen"),
    # Not a unit: the figure is the earlier value of a comparison ("6 390 годом ранее"); read
    # before the durations below would take "годом" for one.
    "previous": ("годом ранее", "годом раньше", "год назад"),
    # The number is skipped, not read as a bare count: multipliers ("в 2,5 раза",
    # "2.5-fold", "2,5-Fache"), units this module does not report, other currencies.
    "reject": (
        "раз", "раза", "times", "fold", "mal", "fach", "fache", "fachen", "facher",
        "£", "¥", "gbp", "jpy", "pound", "pounds",
        "лет", "год", "года", "году", "годом", "месяц", "месяца", "месяцев", "день", "дня",
        "дней", "неделя", "недели", "неделю", "недель", "минута", "минуты", "минут",
        "секунд", "year", "years", "month", "months", "day", "days", "week", "weeks",
        "hour", "hours", "minute", "minutes", "jahr", "jahre", "jahren", "monat", "monate",
        "monaten", "tag", "tage", "tagen", "woche", "wochen", "stunde", "stunden", "minuten",
        "км", "km", "м", "m", "metre", "metres", "meter", "meters", "metern",
        "feet", "ft", "sq ft", "acre", "acres", "МВт", "MW", "кВт", "kW", "ГВт", "GW", "т",
        "тонна", "тонны", "тонн", "ton", "tons", "tonne", "tonnes", "tonnen", "кг", "kg",
        "гб", "gb", "тб", "tb",
        # A rank: "занял 3 место"
        "место", "места", "месте", "местом",
        # The numerator of a fraction counts no thing: "две трети резидентов", "zwei Drittel".
        *(f"трет{e}" for e in ("ь", "и", "ей", "ью", "ям", "ями", "ях")),
        *(f"четверт{e}" for e in ("ь", "и", "ей", "ью", "ям", "ями", "ях")),
        "пятая", "пятых", "десятая", "десятых", "third", "thirds", "quarter", "quarters",
        "fifth", "fifths", "tenth", "tenths", "drittel", "dritteln", "viertel", "vierteln",
        "fünftel", "zehntel",
    ),
}
SCALES = {"k": 1e3, "m": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12}
UNITS: dict[str, tuple[str, float]] = {
    "RUB": ("RUB", 1.0),
    "USD": ("USD", 1.0),
    "EUR": ("EUR", 1.0),
    **{code: (code, 1.0) for code in OTHER_CURRENCIES},
    "m2": ("m2", 1.0),
    "ha": ("m2", 10_000.0),
    "percent": ("percent", 1.0),
    "people": ("people", 1.0),
}
MONTH_ABBREVIATIONS = tuple(
    f"{month}." for month in "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
QUALIFIER_PHRASES = {
    # "no fewer than" before "fewer than": the longest phrase before a number decides.
    "at_least": ("не менее", "не менее чем", "не меньше", "как минимум", "at least",
                 "no fewer than", "not fewer than", "no less than", "not less than",
                 "mindestens", "wenigstens", "nicht weniger als", "≥", ">="),
    "up_to": ("up to", "bis zu", "до", "bis"),
    # A cap or threshold ("выручка не больше 150 млн"): a rule, never a reported value.
    # A verb of not exceeding is a cap too: "чья выручка не превышает 1 млн рублей", "whose
    # revenue does not exceed 1 million rubles".
    "limit": ("не более", "не более чем", "не больше", "не выше", "не превышает",
              "не превышают", "не превышала", "не превышающей", "не превышающую",
              "не превышающая", "не превышающие", "не превышающих", "не превышающим",
              "не превышающими", "не превышающего", "не превысит", "не превысят",
              "не превысил", "не превысила", "не превысило", "не превысили", "не превышал",
              "не превышали", "не превышало", "will not exceed", "would not exceed",
              "übersteigt nicht", "überschreitet nicht",
              "не должна превышать", "не должен превышать", "не должны превышать",
              "no more than", "not more than", "not exceeding", "does not exceed",
              "do not exceed", "did not exceed", "must not exceed", "may not exceed",
              "not to exceed", "at most", "höchstens", "maximal", "nicht mehr als", "≤", "<="),
    "more_than": ("более", "более чем", "свыше", "больше", "more than", "over", "above",
                  "in excess of", "mehr als", "über", ">"),
    "less_than": ("менее", "меньше", "less than", "fewer than", "under", "below",
                  "weniger als", "unter", "<"),
    "almost": ("почти", "практически", "almost", "nearly", "fast", "knapp", "beinahe"),
    "about": ("около", "порядка", "примерно", "приблизительно", "ориентировочно", "about",
              "around", "approximately", "approx.", "roughly", "some", "rund", "etwa", "ca.",
              "circa", "zirka", "ungefähr", "~", "≈"),
}
# Everything that may come right before a number, in one table so that one look-up serves all.
BEFORE_PHRASES: dict[str, tuple[str, ...]] = {
    **QUALIFIER_PHRASES,
    "USD": ("$", "us$", "usd"),
    "EUR": ("€", "eur"),
    "RUB": ("₽", "rub", "rur", "rbl", "rbs", "руб."),
    **{code: signs for code, (_, signs) in OTHER_CURRENCIES.items()},
    "other_money": ("£", "¥", "gbp", "jpy"),
    "label": ("№", "#", "§", "no.", "nr.", "nr", "п.", "ст.", "стр.", "art.", "abs.", "инн",
              "огрн", "огрнип", "кпп", "окпо", "inn", "ogrn", "reg. no.", "registration number",
              "top", "топ"),  # the size of a ranking: "в ТОП 20", "Top 10"
    "month": (*MONTH_WORDS, *MONTH_ABBREVIATIONS),
    "year": (
        "в", "во", "с", "со", "до", "к", "ко", "по", "in", "since", "by", "until", "till",
        "of", "for", "from", "during", "through", "im", "seit", "bis", "ab", "jahr", "jahres",
        "jahre", "year", "fiscal", "fy", "q1", "q2", "q3", "q4", "h1", "h2", "quartal",
        "quartals", "quarter", *(f"квартал{e}" for e in ("", "а", "е", "у", "ом")),
        *(f"полугоди{e}" for e in ("е", "я", "и", "ю", "ем")),
        "за", "итогам", "итоги", "конца", "конце", "начала", "начале", "середины", "the",
        "ende", "anfang", "mitte",
    ),
    # The earlier value of a comparison: "против 6 390", "up from 10 billion", "gegenüber 2,1 Mrd."
    "previous": ("против", "по сравнению с", "в сравнении с", "against", "compared with",
                 "compared to", "versus", "vs", "vs.", "up from", "down from", "gegenüber",
                 "im Vergleich zu", "verglichen mit"),
    # The first number of a change "с 12 до 167", "from 75.8 to 90 billion", "von 1,2 auf 1,5".
    "from": ("с", "со", "from", "von"),
    # A part of a total named before: "из них 33", "of which 112", "darunter 112".
    "part": ("из них", "из которых", "в том числе", "в т.ч.", "в т. ч.", "including",
             "of which", "of whom", "among them", "darunter", "davon",
             # … with the adverb a part that is done or reached takes ("davon bereits 445
             # Mrd.", "из них уже 40", "of which already 12").
             *(f"{part} {adverb}" for part in ("из них", "из которых") for adverb in ("уже",)),
             *(f"{part} {adverb}" for part in ("davon", "darunter")
               for adverb in ("bereits", "schon")),
             "of which already", "of whom already"),
    # A count inside an idiom: "в одном из двух комплексов", "one of the two", "eines von drei".
    "idiom": (*(f"{one} из" for one in ("один", "одна", "одно", "одного", "одной", "одном",
                                         "одну", "одним")),
              "one of", "one of the", "one of its", "one of our", "one of their",
              *(f"{one} {link}" for one in ("eine", "einer", "eines", "einem", "einen", "eins")
                for link in ("von", "der", "von den"))),
    # The amount of a change, not a value: "выросла на 12", "rose by 2 billion", "um 12".
    "by": ("на", "by", "um"),
    # Half of the scale word after it: "half a billion", "eine halbe Milliarde".
    "half": ("half a", "half an", "halbe", "halben", "eine halbe", "einer halben", "die halbe",
             "der halben"),
    "range": ("от", "between", "zwischen", "von"),
    "article": ("a", "an", "ein", "eine", "einer", "einem", "einen"),
    "de_article": ("am", "im", "zum", "zur", "vom", "beim", "der", "die", "das", "den", "dem",
                   "des"),
}

RU_NUMBER_WORDS = [
    *(
        "один одна одно одни одного одной одному одним одном одну одних одними одною"
        " два две двух двум двумя три трёх трех трём трем тремя"
        " четыре четырёх четырех четырём четырем четырьмя восемь восьми восемью восьмью"
        " сорок сорока девяносто девяноста сто ста"
        " пятьдесят пятидесяти пятьюдесятью шестьдесят шестидесяти шестьюдесятью"
        " семьдесят семидесяти семьюдесятью восемьдесят восьмидесяти восемьюдесятью"
        " двести двухсот двумстам двумястами двухстах"
        " триста трёхсот трехсот трёмстам тремстам тремястами трёхстах трехстах"
        " четыреста четырёхсот четырехсот четырёмстам четыремстам четырьмястами четырёхстах"
        " четырехстах полтора полторы полутора"
    ).split(),
    *(
        f"{stem}{ending}"
        for stem in (
            "пят шест сем девят десят одиннадцат двенадцат тринадцат четырнадцат пятнадцат"
            " шестнадцат семнадцат восемнадцат девятнадцат двадцат тридцат"
        ).split()
        for ending in ("ь", "и", "ью")
    ),
    *(f"{five}сот" for five in ("пять", "шесть", "семь", "восемь", "девять")),
    *(f"{five}юстами" for five in ("пять", "шесть", "семь", "восемь", "девять")),
    *(
        f"{five}{ending}"
        for five in ("пяти", "шести", "семи", "восьми", "девяти")
        for ending in ("сот", "стам", "стах")
    ),
    *(f"тысяч{e}" for e in ("", "а", "и", "у", "ей", "ею", "е", "ам", "ами", "ах")),
    *(f"{stem}{e}" for stem in ("миллион", "миллиард", "триллион") for e in RU_SCALE_ENDINGS),
    *(f"{half}{scale}" for half in ("пол", "полу", "пол-") for scale in (
        *(f"тысяч{e}" for e in ("и", "е", "ей")),
        *(f"{stem}{e}" for stem in ("миллион", "миллиард", "триллион")
          for e in ("а", "у", "ом", "е")),
    )),
]
# "9 из 10 компаний", "nine out of ten", "9 von 10 Firmen", "one in a hundred": a proportion,
# whose two numbers count no thing. Only out of ten or a hundred: "5 из 7 резидентов" may name
# a real total.
PROPORTION_LINKS = ("из", "out of", "von", "in")
PROPORTION_TOTALS = ("10", "100", "десяти", "ста", "ten", "a hundred", "zehn", "hundert")
# Age ratings that Russian sites print by law ("18+" in a footer): never a value.
AGE_RATINGS = frozenset({"0", "6", "12", "16", "18"})
# Case endings Russian glues to a cardinal in digits: "более 5-ти тысяч", "с 7-ми площадок";
# those of two, three and four ("2-х", "3-мя") only after a last digit 2-4, so that a decade
# ("в 90-х") stays unread. Ordinal endings ("5-й", "2-го") are not here.
RU_CASE_ENDINGS = ("ти", "ми", "ью")
RU_CASE_ENDINGS_TWO_TO_FOUR = ("х", "ух", "ех", "ёх", "мя")
# Russian glues "half" to a scale word: "полмиллиона", "свыше полумиллиарда", "полтысячи".
RU_HALF_PREFIXES = ("пол-", "полу", "пол")
EN_DIGITS = "one two three four five six seven eight nine".split()
EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
EN_NUMBER_WORDS = [
    *EN_DIGITS,
    *"ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
    *EN_TENS,
    *(f"{tens}-{digit}" for tens in EN_TENS for digit in EN_DIGITS),
    *"hundred thousand million billion and".split(),
]
# German writes numbers below a million as one word ("zweihundertfünfundzwanzigtausend"), so
# its vocabulary is a sequence of parts rather than a list of words.
DE_NUMBER_PARTS = (
    "eins eine ein zwei zwanzig dreißig dreissig drei vier fünf sechs sech sieben sieb acht"
    " neun zehn elf zwölf zig hundert tausend halb"
).split()
DE_NUMBER_WORDS = "million millionen milliarde milliarden anderthalb".split()

# Substring tests on the lowercased window: far cheaper than a regex scan, and enough for a hint.
GERMAN_CUES = (
    *"äöüß",
    *(
        f" {word} "
        for word in "und der die das den dem mit für von zum ist sind wurde rund etwa im auf bei"
        .split()
    ),
    " mio.",
    " mrd.",
    "millionen",
    "milliarden",
    # Nouns after which German writes a thousands dot: "96.300 Quadratmetern", "29.000 Menschen".
    "quadratmeter",
    "menschen",
    "mitarbeiter",
    "unternehmen",
    "firmen",
    "arbeitsplätze",
)

# Words that stand for an approximate number: (value, qualifier unless one is written before).
# A plural ("сотни компаний", "dozens of", "Dutzende") says "more than"; a singular "about".
APPROXIMATE_WORDS: dict[str, tuple[float, str]] = {
    # Not "в первую сотню/десятку" (a rank): accusative and prepositional forms are left out.
    **{f"сотн{e}": (100.0, "about") for e in ("я", "ей")},
    **{f"сот{e}": (100.0, "more_than") for e in ("ни", "ен", "ням", "нями", "нях")},
    **{f"десят{e}": (10.0, "about") for e in ("ок", "ка", "ком")},
    **{f"{half}сотн{e}": (50.0, "about") for half in ("пол", "полу")
       for e in ("и", "е", "ей", "ю")},  # "полсотни стартапов"
    **{f"десят{e}": (10.0, "more_than") for e in ("ки", "ков", "кам", "ками", "ках")},
    "hundred": (100.0, "about"),
    "hundreds": (100.0, "more_than"),
    "dozen": (12.0, "about"),
    "dozens": (12.0, "more_than"),
    "hunderte": (100.0, "more_than"),
    "hunderten": (100.0, "more_than"),
    "dutzend": (12.0, "about"),
    "dutzende": (12.0, "more_than"),
    "dutzenden": (12.0, "more_than"),
}
# Phrases right after a figure that give it a role: "6,1 млрд годом ранее", "112 of them".
ROLE_AFTER_PHRASES: dict[str, tuple[str, ...]] = {
    "previous": ("годом ранее", "годом раньше", "год назад", "a year earlier", "a year ago",
                 "im Vorjahr", "ein Jahr zuvor", "ein Jahr früher", "im Vorjahreszeitraum"),
    "part": ("of them", "of these", "of those", "из них", "davon"),
}
# After a figure, a word that makes it a difference: "на 12 больше", "20 Firmen mehr als".
DIFFERENCE_WORDS = ("больше", "меньше", "mehr", "weniger")
# English says "five more followed" for five added ones: these make a difference only with
# "than" after them ("464 more than planned", "12 more residents than a year ago").
DIFFERENCE_WORDS_BEFORE_THAN = ("more", "fewer", "less")
# Stems of verbs of change: "на"/"by" right after one gives the amount of a change.
# Growing or shrinking in size counts too: "расширилась на 119,4 гектара", "expanded by 50 ha".
CHANGE_VERBS = (
    "вырос", "вырас", "возрос", "увелич", "сократи", "сокращ", "снизи", "сниж", "уменьш", "упал",
    "подня", "повыси", "понизи", "прибави", "подрос", "прирос", "расшир", "сузи", "сужа",
    "rose", "risen", "grew", "grown", "grow", "increase", "decrease", "fell", "fallen",
    "dropped", "declined", "climbed", "jumped", "gained", "expand", "extend", "enlarg",
    "reduc", "shrank", "shrunk", "cut",
)
# Russian verbs after which "до" is "to", not "up to", besides the verbs of change: "дорос до".
REACH_VERBS = ("дорос", "довед", "достиг", "опусти", "упа")
# Words in a sentence that make "до"/"up to"/"менее" a cap or an eligibility threshold: grants,
# loans and subsidies per project or company, the revenue a company may have to qualify, and
# what an authority allows ("the board approved growth up to 1,000 hectares", "разрешено
# расширение до 300 га", "bis zu 500 Hektar genehmigt"): a bound set, not a size reached.
LIMIT_CUES = (
    "грант", "субсид", "займ", "заём", "заем", "льготн", "претенд", "может получить",
    "могут получить", "на проект", "на каждый", "на одного", "на одну", "каждому", "лимит",
    "порог", "с выручкой", "с годовой выручкой", "с оборотом", "разрешен", "разрешён",
    "grant", "subsid", "loan", "eligib", "can receive", "may receive", "can get", "per project",
    "for each", "per company", "each project", "threshold", "with revenue", "with annual revenue",
    "approved", "permitted", "allowed",
    "zuschuss", "förder", "darlehen", "kredit", "erhalten", "bekommen", "pro projekt",
    "je projekt", "jeweils", "ihres projekts", "mit einem umsatz", "genehmigt", "erlaubt",
)
# "на каждый рубль господдержки возвращается 2,5 рубля": a ruble amount per ruble is a ratio.
PER_RUBLE_CUES = (
    "каждый рубль", "каждого рубля", "каждый вложенный рубль", "каждый бюджетный рубль",
    "на рубль", "each ruble", "every ruble", "each rouble", "every rouble", "per ruble",
    "per rouble", "jeden rubel", "jeden investierten rubel", "pro rubel",
)
# Words after a bare 1900-2100 number that show it is a year, not a count: verbs, pronouns,
# prepositions and adverbs, as in "2022 was", "Sie haben 2022 fast", "2019 стал".
YEAR_FOLLOWERS = frozenset(
    (
        "и в во на с со по к до от за из у о об это этот эта эти был была было были стал стала"
        " стало стали станет будет будут"
        " the a an and or but in on at of to for by from with was were is are has have had will"
        " would saw brought became marked it its this that these those which when where who as"
        " und oder aber im am an auf aus bei mit nach vor zu zum zur der die das den dem des"
        " ein eine einer wurde wurden wird werden war waren ist sind hat haben hatte hatten sie"
        " er es wir ich fast rund etwa knapp bereits schon noch nur erst dann"
    ).split()
)
# Street words: a number after one and the street's name ("проспект Комарова, 21",
# "ул. Ленина, 5", "Baker Street, 221", "Hauptstraße 12") or before the name and one of them
# ("1 Gayi Street", "12 Tverskaya Road") is a house number, part of an address.
STREET_WORDS_BEFORE = (
    "улица", "улице", "улицу", "улицы", "ул.", "проспект", "проспекте", "проспекта", "пр-т",
    "пр.", "переулок", "переулке", "пер.", "шоссе", "бульвар", "бульваре", "б-р", "набережная",
    "набережной", "наб.", "street", "st.", "avenue", "ave.", "road", "rd.", "lane", "boulevard",
    "blvd.", "straße", "strasse", "str.", "allee", "gasse", "ufer", "chaussee",
)
STREET_WORDS_AFTER = ("street", "st.", "avenue", "ave.", "road", "rd.", "lane", "boulevard",
                      "blvd.")
