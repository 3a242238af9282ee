"""Demonstration content for `manage.py load_demo`.

The seed readout (readout-2023-11-06-leader-iraq-pm.txt) is a real statement and its
three participants are real office holders. Everything else here is invented: the
countries use ISO 3166's user-assigned codes (X…), which no real country has, and
every invented statement says in its last paragraph that it is fictional.
"""

import datetime

SEED_FILE = "readout-2023-11-06-leader-iraq-pm.txt"

COUNTRIES = [
    # code, English, Persian, Arabic
    ("IR", "Iran", "ایران", "إيران"),
    ("IQ", "Iraq", "عراق", "العراق"),
    ("XN", "Northland", "نورثلند", "نورثلاند"),
    ("XE", "Eastmarch", "ایست‌مارش", "إيستمارش"),
    ("XS", "Southport", "ساوت‌پورت", "ساوثبورت"),
    ("XL", "Lakeland", "لیک‌لند", "ليكلاند"),
]

ROLES = [
    # name, Persian, Arabic, held by one person at a time
    ("Leader of the Islamic Revolution", "رهبر انقلاب اسلامی", "قائد الثورة الإسلامية", True),
    ("Prime Minister of Iraq", "نخست‌وزیر عراق", "رئيس وزراء العراق", True),
    ("President of Iran", "رئیس‌جمهور ایران", "رئيس الجمهورية الإسلامية الإيرانية", True),
    ("President of Northland", "رئیس‌جمهور نورثلند", "رئيس نورثلاند", True),
    ("Trade Minister of Northland", "وزیر بازرگانی نورثلند", "وزير التجارة في نورثلاند", True),
    ("Foreign Minister of Eastmarch", "وزیر خارجه ایست‌مارش", "وزير خارجية إيستمارش", True),
    ("Prime Minister of Eastmarch", "نخست‌وزیر ایست‌مارش", "رئيس وزراء إيستمارش", True),
    ("Prime Minister of Southport", "نخست‌وزیر ساوت‌پورت", "رئيس وزراء ساوثبورت", True),
    ("Envoy of Lakeland", "فرستاده لیک‌لند", "مبعوث ليكلاند", False),
    ("Spokesperson of the Press Office", "سخنگوی دفتر مطبوعاتی", "المتحدث باسم المكتب الصحفي", True),
]

# History mode: the invented country's offices of government, and its two (invented)
# administrations; statements of the first, which has ended, carry the history banner.
GOVERNMENT_OFFICES = {"President of Northland", "Trade Minister of Northland"}
ADMINISTRATIONS = [
    # slug, name (as in “the … administration”), Persian, Arabic, first day, last day
    ("first-holt", "first Holt", "نخست هولت", "هولت الأولى", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    ("second-holt", "second Holt", "دوم هولت", "هولت الثانية", datetime.date(2026, 1, 1), None),
]

PEOPLE = [
    # slug, name, Persian, Arabic, honorific, sort name, aliases, country,
    # appointments as (role, started_on, ended_on)
    (
        "ali-khamenei", "Ali Khamenei", "سید علی خامنه‌ای", "علي خامنئي", "Ayatollah",
        "Khamenei, Ali", ["Khamenei", "Ayatollah Khamenei", "Sayyid Ali Khamenei"], "IR",
        [("Leader of the Islamic Revolution", datetime.date(1989, 6, 4), None)],
    ),
    (
        "mohammad-shia-al-sudani", "Mohammad Shia al-Sudani", "محمد شیاع السودانی",
        "محمد شياع السوداني", "Mr.", "Sudani, Mohammad Shia al-",
        ["al-Sudani", "Al-Sudani", "Sudani", "Mohammad Shiaa’ al-Sudani", "Mohammed Shia al-Sudani"], "IQ",
        [("Prime Minister of Iraq", datetime.date(2022, 10, 27), None)],
    ),
    (
        "ebrahim-raisi", "Ebrahim Raisi", "سید ابراهیم رئیسی", "إبراهيم رئيسي",
        "Hujjat al-Islam wa al-Muslimeen", "Raisi, Ebrahim", ["Raisi", "Ebrahim Raeisi"], "IR",
        [("President of Iran", datetime.date(2021, 8, 3), datetime.date(2024, 5, 19))],
    ),
    (
        "maren-holt", "Maren Holt", "مارن هولت", "مارين هولت", "", "Holt, Maren", ["M. Holt"], "XN",
        [("President of Northland", datetime.date(2022, 3, 1), None)],
    ),
    (
        "sara-denholm", "Sara Denholm", "سارا دنهولم", "سارة دنهولم", "", "Denholm, Sara", [], "XN",
        [("Trade Minister of Northland", datetime.date(2023, 1, 15), None)],
    ),
    (
        "tomas-vell", "Tomas Vell", "توماس ول", "توماس فيل", "", "Vell, Tomas", ["T. Vell"], "XE",
        [
            ("Foreign Minister of Eastmarch", datetime.date(2021, 5, 1), datetime.date(2025, 6, 30)),
            ("Prime Minister of Eastmarch", datetime.date(2025, 7, 1), None),
        ],
    ),
    (
        "ilse-carrow", "Ilse Carrow", "ایلزه کارو", "إلزه كارو", "", "Carrow, Ilse", [], "XS",
        [("Prime Minister of Southport", datetime.date(2020, 9, 10), None)],
    ),
    (
        "oren-lasky", "Oren Lasky", "اورن لاسکی", "أورين لاسكي", "", "Lasky, Oren", [], "XL",
        [("Envoy of Lakeland", datetime.date(2023, 6, 1), None)],
    ),
    (
        "kian-arvest", "Kian Arvest", "کیان اروست", "كيان أروست", "", "Arvest, Kian", [], "XN",
        [("Spokesperson of the Press Office", datetime.date(2022, 1, 10), None)],
    ),
]  # fmt: skip

TOPICS = [
    # slug, English, Persian, Arabic, parent slug
    ("bilateral-cooperation", "Bilateral cooperation", "همکاری‌های دوجانبه", "التعاون الثنائي", None),
    ("economic-cooperation", "Economic cooperation", "همکاری اقتصادی", "التعاون الاقتصادي", "bilateral-cooperation"),
    ("security-cooperation", "Security cooperation", "همکاری امنیتی", "التعاون الأمني", "bilateral-cooperation"),
    ("cultural-cooperation", "Cultural cooperation", "همکاری فرهنگی", "التعاون الثقافي", "bilateral-cooperation"),
    ("trade", "Trade", "تجارت", "التجارة", "economic-cooperation"),
    ("gaza", "Gaza", "غزه", "غزة", None),
    ("arbaeen", "Arbaeen", "اربعین", "الأربعين", None),
    ("water-and-environment", "Water and environment", "آب و محیط زیست", "المياه والبيئة", None),
    ("education", "Education", "آموزش", "التعليم", None),
    ("public-health", "Public health", "بهداشت عمومی", "الصحة العامة", None),
]

SEED = {
    "key": "seed-2023-11-06",
    "occurred_on": datetime.date(2023, 11, 6),
    "location": "Tehran",
    "participants": [
        ("ali-khamenei", "host"),
        ("mohammad-shia-al-sudani", "guest"),
        ("ebrahim-raisi", "attendee"),
    ],
    "topics": ["gaza", "economic-cooperation", "security-cooperation", "arbaeen"],
    "countries": ["IR", "IQ"],
    "published_at": datetime.datetime(2023, 11, 6, 12, 0, tzinfo=datetime.UTC),
}

# Invented statements: home side (host) and visitors from the invented countries.
HOSTS = ["maren-holt", "sara-denholm", "kian-arvest"]
GUESTS = ["tomas-vell", "ilse-carrow", "oren-lasky"]
PLACES = {"en": "Northhaven", "fa": "نورث‌هیون", "ar": "نورثهافن"}
FICTIONAL_TOPICS = [
    "economic-cooperation", "trade", "cultural-cooperation", "security-cooperation",
    "water-and-environment", "education", "public-health",
]  # fmt: skip
KINDS = ["readout", "speech", "message", "statement", "press-release", "interview"]
INVENTED_COUNT = 42
FIRST_DAY = datetime.date(2024, 12, 2)
LAST_DAY = datetime.date(2026, 11, 20)

TITLES = {
    "readout": {
        "en": "{host} receives {guest}",
        "fa": "دیدار {guest} با {host}",
        "ar": "{host} يستقبل {guest}",
    },
    "speech": {
        "en": "{host} addresses the conference on {topic}",
        "fa": "سخنرانی {host} در همایش {topic}",
        "ar": "كلمة {host} في مؤتمر {topic}",
    },
    "message": {
        "en": "Message from {host} on {topic}",
        "fa": "پیام {host} درباره {topic}",
        "ar": "رسالة {host} بشأن {topic}",
    },
    "statement": {
        "en": "Statement on {topic}",
        "fa": "بیانیه درباره {topic}",
        "ar": "بيان بشأن {topic}",
    },
    "press-release": {
        "en": "New {topic} programme announced",
        "fa": "اعلام برنامه تازه {topic}",
        "ar": "الإعلان عن برنامج جديد في مجال {topic}",
    },
    "interview": {
        "en": "Interview with {host} on {topic}",
        "fa": "گفت‌وگو با {host} درباره {topic}",
        "ar": "مقابلة مع {host} حول {topic}",
    },
}

STANDFIRSTS = {
    "en": "Talks covered {topics}",
    "fa": "گفت‌وگوها به {topics} پرداخت",
    "ar": "تناولت المحادثات {topics}",
}

MEETING_OPENINGS = {
    "en": "{host}, {host_title}, received {guest}, {guest_title}, and the accompanying delegation in {place}.",
    "fa": "{host}، {host_title}، در {place} با {guest}، {guest_title}، و هیئت همراه دیدار کرد.",
    "ar": "استقبل {host}، {host_title}، {guest}، {guest_title}، والوفد المرافق في {place}.",
}

OTHER_OPENINGS = {
    "en": "{host}, {host_title}, spoke in {place} about {topics}.",
    "fa": "{host}، {host_title}، در {place} درباره {topics} سخن گفت.",
    "ar": "تحدث {host}، {host_title}، في {place} عن {topics}.",
}

BODY_PARAGRAPHS = {
    "en": [
        "The two sides discussed {topics}. {host} said, “Our work together on {topic} serves "
        "both our peoples, and we intend to take it further this year.”",
        "{guest} thanked the hosts and said that the agreements reached at earlier meetings "
        "were being carried out on schedule.",
        "*Demonstration content: the people, places and events in this statement are fictional.*",
    ],
    "fa": [
        "دو طرف درباره {topics} گفت‌وگو کردند. {host} گفت: «همکاری ما در زمینه {topic} به سود "
        "هر دو ملت است و امسال آن را گسترش خواهیم داد.»",
        "{guest} از میزبانان قدردانی کرد و گفت توافق‌های دیدارهای پیشین طبق برنامه در حال اجراست.",
        "*محتوای نمایشی: افراد، مکان‌ها و رویدادهای این بیانیه ساختگی‌اند.*",
    ],
    "ar": [
        "وبحث الجانبان {topics}. وقال {host}: «إن تعاوننا في مجال {topic} يخدم شعبينا، ونعتزم توسيعه هذا العام».",
        "وشكر {guest} المضيفين، وقال إن الاتفاقات التي تم التوصل إليها في اللقاءات السابقة تنفذ وفق الجدول الزمني.",
        "*محتوى توضيحي: الأشخاص والأماكن والأحداث في هذا البيان خيالية.*",
    ],
}

LIST_JOINERS = {"en": " and ", "fa": " و ", "ar": " و"}
