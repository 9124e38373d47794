"""Word lists, localities, display forms and fictional phone ranges of the demo market.

Everything here is synthetic and neutral: harmless social-profile wording, fictional
first names, e-mail domains reserved for documentation and phone numbers from the
Swedish regulator's (PTS) ranges reserved for fiction.
"""

from __future__ import annotations

# --- sites -----------------------------------------------------------------------------

# (name, kind, render, language), in the order the market lists them. Each of the eight
# shows the crawler something the others do not (docs/SITES.md): a next link, a page
# number, a JSON endpoint behind a JavaScript shell, a "load more" button, items read
# in place from server-rendered cards, infinite scroll, a JSON API read without a
# browser (kontaktnavet), and profiles found from sitemaps and described in JSON-LD
# and microdata (profilarkivet).
SITES = (
    ("annonstavlan", "ad_board", "http", "sv"),
    ("profilkatalogen", "profile_directory", "browser", "en"),
    ("sockerdejt", "sugardating", "browser", "sv"),
    ("radannonsen", "ad_board", "http", "sv"),
    ("visitkortet", "profile_directory", "http", "en"),
    ("dejtflodet", "sugardating", "browser", "sv"),
    ("kontaktnavet", "sugardating", "http", "sv"),
    ("profilarkivet", "profile_directory", "http", "en"),
)
SITE_LANGUAGE = {name: language for name, _kind, _render, language in SITES}

# Share of new content per site: the ad board dominates, as in 2020. The three later
# sites are small, so a test crawl of the whole market stays quick.
SITE_WEIGHTS = {"annonstavlan": 50, "profilkatalogen": 35, "sockerdejt": 15,
                "radannonsen": 4, "visitkortet": 4, "dejtflodet": 3,
                "kontaktnavet": 3, "profilarkivet": 3}

# Probability that a posting states its languages, per site.
LANGUAGE_STATED = {"annonstavlan": 0.30, "profilkatalogen": 0.60, "sockerdejt": 0.50,
                   "radannonsen": 0.25, "visitkortet": 0.70, "dejtflodet": 0.40,
                   "kontaktnavet": 0.50, "profilarkivet": 0.60}

# What a site shows besides locality, text and contacts: a title and a price (ad
# boards), the advertiser's name (profile and dating sites), and the profile extras
# (orientation, nationality, ethnicity).
SITE_SHOWS = {
    "annonstavlan": frozenset({"title", "price"}),
    "profilkatalogen": frozenset({"name", "extras"}),
    "sockerdejt": frozenset({"name"}),
    "radannonsen": frozenset({"title", "price"}),
    "visitkortet": frozenset({"name", "extras"}),
    "dejtflodet": frozenset({"name"}),
    "kontaktnavet": frozenset({"name"}),
    "profilarkivet": frozenset({"name", "extras"}),
}
# How often a posting shows each contact its advertiser has: (phone, e-mail, handle).
CONTACT_SHOWN = {
    "annonstavlan": (1.0, 1.0, 1.0),
    "profilkatalogen": (0.8, 0.8, 0.5),
    "sockerdejt": (0.3, 0.5, 1.0),
    "radannonsen": (1.0, 0.6, 0.3),
    "visitkortet": (0.7, 0.9, 0.6),
    "dejtflodet": (0.2, 0.4, 1.0),
    "kontaktnavet": (0.6, 0.5, 0.9),
    "profilarkivet": (0.7, 0.7, 0.6),
}
# Hits per posting: ad boards repost (a posting listed two or three times).
HIT_COPIES = {
    "annonstavlan": ((1, 2, 3), (50, 40, 10)),  # mean 1.6
    "radannonsen": ((1, 2), (75, 25)),
}
OTHER_HIT_COPIES = ((1, 2), (95, 5))

# --- localities ------------------------------------------------------------------------

# Relative weights shaped like the 2020 mapping (Stockholm ~40 %, Göteborg ~8 %,
# Malmö ~6 %); they sum to 100 so each weight reads as a percentage.
LOCALITY_WEIGHTS = {
    "Stockholm": 40.0, "Göteborg": 8.0, "Malmö": 6.0, "Uppsala": 3.0,
    "Helsingborg": 2.5, "Örebro": 2.0, "Linköping": 2.0, "Västerås": 2.0,
    "Norrköping": 1.8, "Jönköping": 1.8, "Solna": 1.6, "Umeå": 1.5, "Lund": 1.5,
    "Gävle": 1.4, "Borås": 1.3, "Sundsvall": 1.2, "Eskilstuna": 1.2, "Karlstad": 1.2,
    "Södertälje": 1.2, "Växjö": 1.1, "Halmstad": 1.1, "Luleå": 1.0, "Täby": 1.0,
    "Sollentuna": 1.0, "Trollhättan": 0.8, "Östersund": 0.8, "Kalmar": 0.8,
    "Falun": 0.8, "Skövde": 0.7, "Kristianstad": 0.7, "Nyköping": 0.7,
    "Karlskrona": 0.7, "Varberg": 0.7, "Borlänge": 0.6, "Visby": 0.5,
    "Uddevalla": 0.5, "Motala": 0.4, "Lidköping": 0.4, "Piteå": 0.4, "Kiruna": 0.3,
}
LOCALITIES = tuple(LOCALITY_WEIGHTS)


# The län of each locality as ISO 3166-2 codes, typed here from the SCB list so the
# truth does not lean on the normaliser's reference data it is meant to check.
LOCALITY_COUNTY = {
    "Stockholm": "SE-AB", "Göteborg": "SE-O", "Malmö": "SE-M", "Uppsala": "SE-C",
    "Helsingborg": "SE-M", "Örebro": "SE-T", "Linköping": "SE-E", "Västerås": "SE-U",
    "Norrköping": "SE-E", "Jönköping": "SE-F", "Solna": "SE-AB", "Umeå": "SE-AC",
    "Lund": "SE-M", "Gävle": "SE-X", "Borås": "SE-O", "Sundsvall": "SE-Y",
    "Eskilstuna": "SE-D", "Karlstad": "SE-S", "Södertälje": "SE-AB", "Växjö": "SE-G",
    "Halmstad": "SE-N", "Luleå": "SE-BD", "Täby": "SE-AB", "Sollentuna": "SE-AB",
    "Trollhättan": "SE-O", "Östersund": "SE-Z", "Kalmar": "SE-H", "Falun": "SE-W",
    "Skövde": "SE-O", "Kristianstad": "SE-M", "Nyköping": "SE-D", "Karlskrona": "SE-K",
    "Varberg": "SE-N", "Borlänge": "SE-W", "Visby": "SE-I", "Uddevalla": "SE-O",
    "Motala": "SE-E", "Lidköping": "SE-O", "Piteå": "SE-BD", "Kiruna": "SE-BD",
}

# Share of postings that write their locality another way than the canonical name.
SPELLING_SHARE = 0.3
# How ads write places, per site language: abbreviations, "centrum"/"C", exonyms,
# ASCII forms and a few misspellings. The truth keeps counting the canonical name.
SPELLINGS = {
    "sv": {
        "Stockholm": ("Sthlm", "STHLM", "Stockholm C", "Stockholm centrum", "stockholm",
                      "Stokholm"),
        "Göteborg": ("Gbg", "GBG", "Göteborg C", "Göteborg centrum", "Goteborg"),
        "Malmö": ("Malmö C", "Malmö centrum", "Malmo", "MALMÖ"),
        "Helsingborg": ("Hbg", "Helsingborg C", "Helsinborg"),
        "Uppsala": ("Uppsala C", "Upsala"),
        "Örebro": ("Orebro", "Örebro C"),
        "Linköping": ("Lkpg", "Linkoping"),
        "Jönköping": ("Jkpg", "Jonkoping"),
        "Södertälje": ("Sodertalje",),
        "Solna": ("Solna, Stockholm", "Solna centrum"),
        "Visby": ("Gotland",),
    },
    "en": {
        "Stockholm": ("Stockholm City", "Stockholm, Sweden", "Stockholm C", "Stokholm"),
        "Göteborg": ("Gothenburg", "Goteborg", "Gothenburg, Sweden", "Goeteborg"),
        "Malmö": ("Malmo", "Malmoe", "Malmo, Sweden"),
        "Uppsala": ("Upsala", "Uppsala, Sweden"),
        "Örebro": ("Orebro",),
        "Västerås": ("Vasteras",),
        "Norrköping": ("Norrkoping",),
        "Umeå": ("Umea",),
        "Luleå": ("Lulea",),
        "Gävle": ("Gavle",),
        "Växjö": ("Vaxjo",),
        "Borås": ("Boras",),
    },
}
SITE_SPELLING = SITE_LANGUAGE  # a site writes places as its language does


def display_locality(site: str, locality: str) -> str:
    """How `site` writes `locality` when a posting does not vary it: the canonical name."""
    return locality


def spelling_variants(site: str, locality: str) -> tuple[str, ...]:
    """Other ways `site` may write `locality`; empty when it has none."""
    return SPELLINGS[SITE_SPELLING[site]].get(locality, ())


# --- people ----------------------------------------------------------------------------

GENDERS = ("woman", "man", "trans", "couple")
GENDER_WEIGHTS = (78, 14, 5, 3)

WOMEN_NAMES = (
    "Alva", "Elsa", "Maja", "Ella", "Wilma", "Saga", "Ebba", "Alice", "Olivia", "Astrid",
    "Freja", "Linnea", "Clara", "Nora", "Sofia", "Lucia", "Isabella", "Camila", "Valentina",
    "Natalia", "Elena", "Anna", "Julia", "Emma", "Ida", "Klara", "Hanna", "Moa", "Tove",
    "Ronja", "Selma", "Vera", "Mila", "Lina", "Lea", "Amanda", "Carmen", "Paula", "Daniela",
    "Mariana", "Irina", "Katja", "Nina", "Sara", "Lisa", "Mira", "Noelia", "Ines", "Greta",
    "Agnes", "Stella", "Lova", "Siri", "Tilda", "Juni", "Elin", "Malin", "Lucy", "Bianca",
)
MEN_NAMES = (
    "Erik", "Oskar", "Lucas", "William", "Hugo", "Elias", "Noah", "Axel", "Leo", "Filip",
    "Anton", "Viktor", "Jonas", "Marco", "Diego", "Pablo", "Daniel", "Adam", "Simon", "Emil",
    "Isak", "Theo", "Ludvig", "Nils", "Olle", "Mateo", "Rafael", "Gustav", "Arvid", "Melvin",
)
NEUTRAL_NAMES = (
    "Alex", "Robin", "Kim", "Sam", "Charlie", "Love", "Noa", "Eli", "Sasha", "Billie",
    "Jamie", "Ariel", "Quinn", "Nikita", "Luca",
)

# Age bands of the truth; the generator draws ages 19..55.
AGE_BANDS = (("18-24", 18, 24), ("25-29", 25, 29), ("30-39", 30, 39), ("40-49", 40, 49),
             ("50+", 50, 200))


def age_band(age: int | None) -> str:
    """The truth's age band of an age, "unknown" for None."""
    if age is None:
        return "unknown"
    for band, low, high in AGE_BANDS:
        if low <= age <= high:
            return band
    return "unknown"


# --- languages -------------------------------------------------------------------------

LANGUAGES = ("en", "sv", "es", "de", "fr", "it", "pt", "ru", "pl", "ro", "th", "fi")
# Independent chance that an advertiser speaks each language (English ~90 %).
LANGUAGE_PROBABILITY = {
    "en": 0.90, "sv": 0.10, "es": 0.17, "de": 0.04, "fr": 0.04, "it": 0.04, "pt": 0.04,
    "ru": 0.04, "pl": 0.03, "ro": 0.04, "th": 0.03, "fi": 0.02,
}
LANGUAGE_NAMES_SV = {
    "sv": "svenska", "en": "engelska", "es": "spanska", "de": "tyska", "fr": "franska",
    "it": "italienska", "pt": "portugisiska", "ru": "ryska", "pl": "polska",
    "ro": "rumänska", "th": "thailändska", "fi": "finska",
}
LANGUAGE_NAMES_EN = {
    "sv": "Swedish", "en": "English", "es": "Spanish", "de": "German", "fr": "French",
    "it": "Italian", "pt": "Portuguese", "ru": "Russian", "pl": "Polish",
    "ro": "Romanian", "th": "Thai", "fi": "Finnish",
}
LANGUAGE_ENDONYMS = {
    "sv": "Svenska", "en": "English", "es": "Español", "de": "Deutsch", "fr": "Français",
    "it": "Italiano", "pt": "Português", "ru": "Русский", "pl": "Polski", "ro": "Română",
    "th": "ไทย", "fi": "Suomi",
}

# --- display forms per site ------------------------------------------------------------

GENDER_DISPLAY = {
    "annonstavlan": {"woman": "Kvinna", "man": "Man", "trans": "Trans", "couple": "Par"},
    "profilkatalogen": {"woman": "Female", "man": "Male", "trans": "Trans", "couple": "Couple"},
    "sockerdejt": {"woman": "Tjej", "man": "Kille", "trans": "Trans", "couple": "Par"},
    "radannonsen": {"woman": "Kvinna", "man": "Man", "trans": "Trans", "couple": "Par"},
    "visitkortet": {"woman": "Woman", "man": "Man", "trans": "Trans", "couple": "Couple"},
    "dejtflodet": {"woman": "Tjej", "man": "Kille", "trans": "Trans", "couple": "Par"},
    "kontaktnavet": {"woman": "Tjej", "man": "Kille", "trans": "Trans", "couple": "Par"},
    "profilarkivet": {"woman": "Female", "man": "Male", "trans": "Trans", "couple": "Couple"},
}
LANGUAGE_DISPLAY = {
    "annonstavlan": LANGUAGE_NAMES_SV,
    "profilkatalogen": LANGUAGE_NAMES_EN,
    "sockerdejt": LANGUAGE_ENDONYMS,
    "radannonsen": LANGUAGE_NAMES_SV,
    "visitkortet": LANGUAGE_NAMES_EN,
    "dejtflodet": LANGUAGE_NAMES_SV,
    "kontaktnavet": LANGUAGE_NAMES_SV,
    "profilarkivet": LANGUAGE_NAMES_EN,
}
# How a site separates the languages of one posting. Visitkortet shows each as a chip
# of its own (crawler/demo_market/visitkortet.py); radannonsen separates them with a
# middle dot that normalisation does not split on, so its definition says `split`.
LANGUAGE_SEPARATOR = {"radannonsen": " · "}
AGE_DISPLAY = {"annonstavlan": "{} år", "profilkatalogen": "{}", "sockerdejt": "{} år",
               "radannonsen": "{} år", "visitkortet": "{} years", "dejtflodet": "{} år",
               "kontaktnavet": "{}", "profilarkivet": "{}"}

# Profile-directory extras, displayed as written here; the truth uses .casefold().
ORIENTATIONS = ("Heterosexual", "Bisexual", "Homosexual")
ORIENTATION_WEIGHTS = (60, 30, 10)
ETHNICITIES = ("European", "Latin", "Asian", "African", "Middle Eastern", "Mixed")
ETHNICITY_WEIGHTS = (50, 22, 14, 6, 4, 4)
# ISO 3166-1 alpha-2 of each displayed nationality: the truth's nationality category.
NATIONALITY_CODES = {
    "Swedish": "SE", "Spanish": "ES", "Colombian": "CO", "Venezuelan": "VE",
    "Argentinian": "AR", "German": "DE", "Austrian": "AT", "French": "FR", "Italian": "IT",
    "Portuguese": "PT", "Brazilian": "BR", "Russian": "RU", "Ukrainian": "UA",
    "Polish": "PL", "Romanian": "RO", "Thai": "TH", "Finnish": "FI", "British": "GB",
    "Hungarian": "HU", "Czech": "CZ", "Dutch": "NL",
}
# Nationality follows a language the advertiser speaks, when there is one to follow.
NATIONALITIES_BY_LANGUAGE = {
    "sv": ("Swedish",), "es": ("Spanish", "Colombian", "Venezuelan", "Argentinian"),
    "de": ("German", "Austrian"), "fr": ("French",), "it": ("Italian",),
    "pt": ("Portuguese", "Brazilian"), "ru": ("Russian", "Ukrainian"), "pl": ("Polish",),
    "ro": ("Romanian",), "th": ("Thai",), "fi": ("Finnish",),
    "en": ("British", "Hungarian", "Czech", "Dutch", "Swedish"),
}

# --- contact ---------------------------------------------------------------------------

# PTS's numbers reserved for use in fiction: (area code, first, last subscriber number).
PHONE_RANGES = (
    ("070", 1740605, 1740699),
    ("08", 46500400, 46500499),
    ("031", 3900600, 3900699),
    ("040", 6280400, 6280499),
    ("0980", 319200, 319299),
)
# Foreign numbers reserved for drama, shown in international form as foreign
# advertisers' numbers are: Ofcom's UK mobile range 07700 900000-900999, and the
# North American 555-0100..0199 block, which is fictional in every area code.
UK_DRAMA_MOBILE = range(900000, 901000)
US_AREA_CODES = (201, 202, 203, 205, 206, 212, 213, 214, 215, 216, 303, 305, 312, 313, 404,
                 405, 406, 407, 408, 409, 410, 412, 415, 503, 504, 505, 512, 513, 602, 603,
                 612, 614, 617, 702, 703, 704, 713, 714, 716, 718, 801, 802, 803, 804, 805,
                 808, 810, 813, 814, 815, 816, 817, 818, 901, 904, 907, 910, 912, 914, 916)
US_FICTIONAL = range(100, 200)
EMAIL_DOMAINS = ("example.org", "example.com", "example.net")
CONTACT_WORDS = (
    "sol", "hav", "skog", "blomma", "stjarna", "moln", "vind", "ljus", "fjall", "bris",
    "lark", "sunny", "river", "maple", "coral", "amber", "willow", "pebble", "meadow",
    "lotus", "cloud", "berry", "ocean", "daisy", "aurora", "lilja", "hallon", "vinter",
)


# --- contacts as people write them ------------------------------------------------------
# Drawn from their own random stream (generator.py), so adding them left every other
# draw of a seed's market as it was.

# Forms of a Swedish number "070-174 06 05" a posting may show: {area} "070",
# {trunkless} "70", {groups} "174 06 05", {digits} "1740605".
SWEDISH_PHONE_STYLES = (
    "{area}-{groups}",  # the display form, the most common
    "{area}-{groups}",
    "{area} {groups}",
    "{area}{digits}",
    "({area}) {groups}",
    "{area}-{digits}",
    "+46 {trunkless} {groups}",
    "+46{trunkless}{digits}",
    "+46 (0){trunkless}-{groups}",
    "0046 {trunkless}-{groups}",
    "0046{trunkless}{digits}",
)
# An advertiser with a handle has it on one platform or none ("@sol_12"); each posting
# writes the platform in one of the ways people write it.
HANDLE_PLATFORMS = {
    "snapchat": ("Snap", "Snapchat", "snapchat", "SC"),
    "kik": ("Kik", "kik", "KIK"),
    "telegram": ("Telegram", "TG", "telegram"),
    "instagram": ("IG", "Insta", "Instagram"),
}
HANDLE_PLATFORM_SHARE = 0.6
HANDLE_STYLES = ("{word}: {name}", "{word}: @{name}", "{word} @{name}", "{word} {name}",
                 "{word}:{name}")
# E-mail addresses written so that harvesters miss them; None: as it is.
EMAIL_STYLES = (None, None, None, "{local} at {name} punkt {tld}",
                "{local} [at] {name} [dot] {tld}", "{local}(at){name}.{tld}",
                "{local} (at) {name} (punkt) {tld}")
# A booking agency whose one number many unrelated advertisers show beside their own
# contact: a contact shared too widely to be anyone's identity (docs/METHOD.md). Its
# number is the last of the 08 fiction range, kept out of the advertisers' pool.
AGENCY_PHONE = "08-465 004 99"
AGENCY_SHARE = 0.25  # of advertisers
AGENCY_LABEL = {"sv": "Bokning: {}", "en": "Booking: {}"}


def fictional_phone_numbers() -> list[tuple[str, str]]:
    """All reserved numbers as (digits, display) pairs, e.g. ("0701740605", "070-174 06 05")."""
    numbers = []
    for area, first, last in PHONE_RANGES:
        for subscriber in range(first, last + 1):
            numbers.append((f"{area}{subscriber}", f"{area}-{_group(str(subscriber))}"))
    for n in UK_DRAMA_MOBILE:
        numbers.append((f"447700{n}", f"+44 7700 {n}"))
    for area in US_AREA_CODES:
        for n in US_FICTIONAL:
            numbers.append((f"1{area}5550{n}", f"+1 {area} 555 0{n}"))
    return numbers


def is_fictional_phone(text: str) -> bool:
    """True when the digits of `text` are one of the reserved fictional numbers."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+44"):
        return digits.startswith("447700") and int(digits[6:] or 0) in UK_DRAMA_MOBILE \
            and len(digits) == 12
    if text.startswith("+1"):
        return len(digits) == 11 and int(digits[1:4]) in US_AREA_CODES \
            and digits[4:8] == "5550" and int(digits[7:]) in US_FICTIONAL
    for area, first, last in PHONE_RANGES:
        rest = digits[len(area):]
        if digits.startswith(area) and rest.isdigit() and first <= int(rest) <= last \
                and len(rest) == len(str(first)):
            return True
    return False


def _group(subscriber: str) -> str:
    # Swedish convention: 8 digits "465 004 00", 7 digits "174 06 05", 6 digits "31 92 00".
    if len(subscriber) == 8:
        return f"{subscriber[:3]} {subscriber[3:6]} {subscriber[6:]}"
    if len(subscriber) == 7:
        return f"{subscriber[:3]} {subscriber[3:5]} {subscriber[5:]}"
    return f"{subscriber[:2]} {subscriber[2:4]} {subscriber[4:]}"


# --- text ------------------------------------------------------------------------------

PRICES = tuple(range(500, 3100, 100))  # "1500 kr"

TITLES_SV = (
    "Ny i stan", "Glad och social", "Fika och promenader", "Hej från mig", "Kaffe och prat",
    "Positiv och nyfiken", "Lugn och trevlig", "Sällskap på helgen", "Musik och mat",
    "Ny här", "Bokmal söker fikasällskap", "Matälskare", "Skogspromenader", "Gott humör",
    "Sol och bad", "Konst och kultur", "Vardagsglädje", "Söndagsfika", "Kvällspromenad",
    "Nyfiken på stan", "Bakning och brädspel", "Film och te", "Hej hej", "Ute i naturen",
)

# Pronoun forms: templates say {Jag}/{jag}/... and get singular or plural (couples).
PRONOUNS = {
    "sv": (
        {"Jag": "Jag", "jag": "jag", "mig": "mig", "Min": "Min", "min": "min",
         "Mitt": "Mitt", "mitt": "mitt", "Mina": "Mina"},
        {"Jag": "Vi", "jag": "vi", "mig": "oss", "Min": "Vår", "min": "vår",
         "Mitt": "Vårt", "mitt": "vårt", "Mina": "Våra"},
    ),
    "en": (
        {"I": "I", "Im": "I'm", "im": "I'm", "me": "me", "My": "My", "my": "my"},
        {"I": "We", "Im": "We're", "im": "we're", "me": "us", "My": "Our", "my": "our"},
    ),
}

INTROS = {
    "sv": (
        "Hej! {Jag} heter {name}.", "Hej, {name} här.", "Hallå! {Mitt} namn är {name}.",
        "Välkommen hit, {jag} heter {name}.", "Tjena! Här skriver {name}.",
    ),
    "en": (
        "Hi! {Im} {name}.", "Hello, {name} here.", "Hey there! {My} name is {name}.",
        "Welcome, {im} {name}.", "Hi, this is {name}.",
    ),
}

# Body sentences; every slot {x} is filled from SLOTS[language][x]. Two or three slots
# a sentence keep unrelated texts far apart for near-duplicate matching.
BODIES = {
    "sv": (
        "{Jag} gillar {activity} och {food} {when}.",
        "På helgerna tycker {jag} om {activity} och {activity2}.",
        "{Jag} jobbar som {job} och trivs bra med det, särskilt {when}.",
        "En trevlig kväll för {mig} är {evening} med {food}.",
        "{Mitt} favoritställe i {area} är {place}.",
        "Just nu läser {jag} {book} och lyssnar på {music}.",
        "{Jag} lyssnar gärna på {music} medan {jag} håller på med {hobby}.",
        "{Season} är {min} favoritårstid, då blir det {activity}.",
        "{Jag} dricker hellre {drink} än kaffe, gärna till {pastry}.",
        "{Jag} har nyss börjat med {hobby} och tänker fortsätta {when}.",
        "Det bästa {jag} vet är {evening} efter en dag med {activity}.",
        "{Jag} bakar ofta {pastry} på söndagar och bjuder {friends}.",
        "{Mina} vänner säger att {jag} är lätt att prata med om {topic}.",
        "{Jag} drömmer om att resa till {country} och prova {food}.",
        "Gärna en fika på {place} någon dag i {month}.",
        "{Jag} har bott i {area} i {years} år och gillar {activity}.",
        "Ett lugnt liv med {hobby} och {music} passar {mig} fint.",
        "Senast {jag} var ledig åkte {jag} till {country} i {month}.",
        "{Min} bästa rätt är {food}, som {jag} lärde {mig} laga i {country}.",
        "{Jag} tycker det är roligt med {activity}, men ännu roligare med {hobby}.",
        "Om {jag} får välja blir det {evening} hellre än {activity2}.",
        "{Jag} pratar gärna om {topic} och {topic2}.",
    ),
    "en": (
        "{I} enjoy {activity} and {food} {when}.",
        "On weekends {I} love {activity} and {activity2}.",
        "{My} day job is in {field} and {I} like it, especially {when}.",
        "A nice evening for {me} is {evening} with {food}.",
        "{My} favourite spot in {area} is {place}.",
        "{Im} currently reading {book} and listening to {music}.",
        "{I} like listening to {music} while doing {hobby}.",
        "{Season} is {my} favourite season, perfect for {activity}.",
        "{I} prefer {drink} over coffee, ideally with {pastry}.",
        "{I} recently started {hobby} and will keep it up {when}.",
        "The best thing {I} know is {evening} after a day of {activity}.",
        "{I} often bake {pastry} on Sundays and invite {friends}.",
        "{My} friends say {im} easy to talk to about {topic}.",
        "{I} dream of travelling to {country} and trying {food}.",
        "Happy to meet for coffee at {place} some day in {month}.",
        "{I} have lived in {area} for {years} years and enjoy {activity}.",
        "A calm life with {hobby} and {music} suits {me} well.",
        "Last time {I} had time off {I} went to {country} in {month}.",
        "{My} best dish is {food}, which {I} learned to cook in {country}.",
        "For {me}, nothing beats {activity}, except maybe {hobby}.",
        "Given the choice {I} pick {evening} over {activity2}.",
        "{I} like to chat about {topic} and {topic2}.",
    ),
}

CLOSINGS = {
    "sv": ("Ha en härlig dag!", "Hör av dig om du vill veta mer.", "Ha det gott!",
           "Vi hörs!", "Kram och ha en fin vecka!"),
    "en": ("Have a lovely day!", "Get in touch if you want to know more.", "Take care!",
           "Talk soon!", "Have a nice week!"),
}

_ACTIVITIES_SV = (
    "promenader", "långa promenader", "cykelturer", "yoga", "att laga mat", "brädspel",
    "konserter", "museibesök", "vandring i skogen", "simning", "att fotografera", "löpning",
    "dans", "loppisar", "konst", "teater", "skidåkning", "padel", "trädgårdsarbete",
    "stickning", "pussel", "kanotpaddling", "bowling", "tennis", "kortspel", "bio",
    "bärplockning", "svampplockning", "skridskor", "friluftsliv",
)
_ACTIVITIES_EN = (
    "walks", "long walks", "bike rides", "yoga", "cooking", "board games", "concerts",
    "museum visits", "forest hikes", "swimming", "photography", "running", "dancing",
    "flea markets", "art", "theatre", "skiing", "padel", "gardening", "knitting", "puzzles",
    "canoeing", "bowling", "tennis", "card games", "the cinema", "berry picking",
    "mushroom picking", "ice skating", "camping",
)
_TOPICS_SV = ("böcker", "resor", "musik", "film", "mat", "växter", "historia", "djur",
              "arkitektur", "sport", "språk", "konst", "teknik", "mode", "natur")
_TOPICS_EN = ("books", "travel", "music", "films", "food", "plants", "history", "animals",
              "architecture", "sports", "languages", "art", "technology", "fashion", "nature")

SLOTS = {
    "sv": {
        "activity": _ACTIVITIES_SV, "activity2": _ACTIVITIES_SV,
        "food": ("god mat", "italiensk mat", "sushi", "hembakat bröd", "tacos", "thaimat",
                 "pasta", "vegetarisk mat", "grillad fisk", "soppa", "pannkakor", "paella",
                 "dumplings", "ramen", "falafel", "risotto", "pizza", "curry", "sallad",
                 "köttbullar"),
        "when": ("på kvällarna", "på morgonen", "på helgerna", "på sommaren", "om vintern",
                 "efter jobbet", "på lediga dagar", "när solen skiner", "när det regnar",
                 "på lunchen"),
        "job": ("lärare", "sjuksköterska", "grafisk formgivare", "kock", "ekonom", "frisör",
                "fotograf", "barista", "butikssäljare", "ingenjör", "bibliotekarie",
                "florist", "snickare", "tandhygienist", "elektriker", "webbutvecklare",
                "förskollärare", "bagare"),
        "evening": ("en filmkväll hemma", "en middag med vänner", "en promenad vid vattnet",
                    "ett parti schack", "en konsert i parken", "en lugn kväll med en bok",
                    "en quiz på puben", "en tur i skärgården", "en kväll med brädspel",
                    "en picknick i solnedgången"),
        "place": ("ett litet kafé vid torget", "stadsbiblioteket", "parken vid ån",
                  "den gamla saluhallen", "ett bageri på hörnet", "botaniska trädgården",
                  "konsthallen", "stranden", "hamnen", "en bokhandel i centrum",
                  "utsiktstornet", "stadsmuseet"),
        "area": ("stan", "centrum", "kvarteret", "hemstaden", "norra delen av stan",
                 "södra delen av stan"),
        "book": ("en deckare", "en kokbok", "en reseskildring", "en roman om havet",
                 "en biografi", "en diktsamling", "en fantasybok", "en bok om trädgårdar"),
        "music": ("jazz", "gammal pop", "klassisk musik", "indiepop", "visor", "soul",
                  "country", "reggae", "filmmusik", "folkmusik", "blues", "disco"),
        "drink": ("te", "varm choklad", "juice", "mineralvatten", "saft", "smoothie"),
        "hobby": ("keramik", "akvarellmålning", "klättring", "fågelskådning", "körsång",
                  "fotografering", "broderi", "schack", "gitarr", "pianospel", "snickeri",
                  "odling på balkongen"),
        "pastry": ("kanelbullar", "surdegsbröd", "chokladbollar", "morotskaka", "scones",
                   "kardemummabullar", "äppelpaj", "muffins", "våfflor"),
        "country": ("Japan", "Portugal", "Island", "Italien", "Mexiko", "Nya Zeeland",
                    "Grekland", "Kanada", "Peru", "Vietnam", "Marocko", "Chile", "Irland",
                    "Sydkorea"),
        "Season": ("Sommaren", "Hösten", "Våren", "Vintern"),
        "month": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                  "september", "oktober", "november", "december"),
        "years": tuple(str(n) for n in range(2, 16)),
        "friends": ("grannarna", "vännerna", "familjen", "kollegorna", "syskonen"),
        "topic": _TOPICS_SV, "topic2": _TOPICS_SV,
    },
    "en": {
        "activity": _ACTIVITIES_EN, "activity2": _ACTIVITIES_EN,
        "food": ("good food", "Italian food", "sushi", "homemade bread", "tacos",
                 "Thai food", "pasta", "vegetarian food", "grilled fish", "soup",
                 "pancakes", "paella", "dumplings", "ramen", "falafel", "risotto", "pizza",
                 "curry", "salads", "meatballs"),
        "when": ("in the evenings", "in the morning", "at weekends", "in summer",
                 "in winter", "after work", "on days off", "when the sun is out",
                 "when it rains", "at lunch"),
        "field": ("education", "health care", "design", "hospitality", "finance", "retail",
                  "engineering", "the arts", "logistics", "tourism", "software",
                  "childcare", "baking", "gardening"),
        "evening": ("a movie night at home", "dinner with friends", "a walk by the water",
                    "a game of chess", "a concert in the park", "a calm night with a book",
                    "a pub quiz", "a trip to the archipelago", "a board game night",
                    "a picnic at sunset"),
        "place": ("a small cafe by the square", "the city library", "the park by the river",
                  "the old market hall", "a corner bakery", "the botanical garden",
                  "the art gallery", "the beach", "the harbour", "a bookshop in the centre",
                  "the lookout tower", "the city museum"),
        "area": ("town", "the centre", "the neighbourhood", "the old town",
                 "the north of town", "the south of town"),
        "book": ("a crime novel", "a cookbook", "a travel memoir", "a novel about the sea",
                 "a biography", "a book of poems", "a fantasy novel", "a book about gardens"),
        "music": ("jazz", "old pop songs", "classical music", "indie pop", "folk songs",
                  "soul", "country", "reggae", "film scores", "folk music", "blues",
                  "disco"),
        "drink": ("tea", "hot chocolate", "juice", "sparkling water", "lemonade",
                  "smoothies"),
        "hobby": ("pottery", "watercolour painting", "climbing", "birdwatching",
                  "choir singing", "photography", "embroidery", "chess", "guitar",
                  "piano", "woodwork", "balcony gardening"),
        "pastry": ("cinnamon buns", "sourdough bread", "brownies", "carrot cake", "scones",
                   "cardamom buns", "apple pie", "muffins", "waffles"),
        "country": ("Japan", "Portugal", "Iceland", "Italy", "Mexico", "New Zealand",
                    "Greece", "Canada", "Peru", "Vietnam", "Morocco", "Chile", "Ireland",
                    "South Korea"),
        "Season": ("Summer", "Autumn", "Spring", "Winter"),
        "month": ("January", "February", "March", "April", "May", "June", "July",
                  "August", "September", "October", "November", "December"),
        "years": tuple(str(n) for n in range(2, 16)),
        "friends": ("the neighbours", "friends", "the family", "colleagues", "relatives"),
        "topic": _TOPICS_EN, "topic2": _TOPICS_EN,
    },
}

# One-word synonyms for "edited wording" variants; symmetric, so either form can be
# swapped. Most sentences hold one; a text without any gets another kind of variant.
SYNONYMS = {
    "sv": (("gillar", "uppskattar"), ("trevlig", "mysig"), ("glad", "positiv"),
           ("lugn", "stillsam"), ("lugnt", "stillsamt"), ("härlig", "underbar"),
           ("roligt", "kul"), ("vänner", "kompisar"), ("kväll", "afton"),
           ("Hej", "Hejsan"), ("Hallå", "Hejsan"), ("Tjena", "Hejsan"), ("fint", "bra"),
           ("fin", "trevlig"), ("nyss", "precis"), ("favoritställe", "smultronställe"),
           ("drömmer", "fantiserar"), ("bästa", "främsta"), ("ledig", "fri"),
           ("Kram", "Hälsningar"), ("hörs", "ses"), ("Just", "Precis"),
           ("passar", "funkar"), ("jobbar", "arbetar"), ("ofta", "gärna"),
           ("Gärna", "Hellre"), ("trivs", "mår"), ("resa", "åka"), ("Senast", "Sist"),
           ("skriver", "hälsar")),
    "en": (("enjoy", "like"), ("love", "adore"), ("nice", "lovely"), ("good", "great"),
           ("calm", "relaxed"), ("friends", "mates"), ("evening", "night"),
           ("happy", "cheerful"), ("Hi", "Hiya"), ("Hello", "Howdy"), ("Hey", "Hiya"),
           ("Welcome", "Greetings"), ("favourite", "preferred"), ("currently", "presently"),
           ("prefer", "choose"), ("recently", "lately"), ("best", "finest"),
           ("often", "frequently"), ("easy", "simple"), ("travelling", "going"),
           ("suits", "fits"), ("dish", "meal"), ("touch", "contact"), ("Talk", "Speak"),
           ("soon", "later"), ("week", "weekend"), ("spot", "place"), ("Happy", "Glad")),
}
