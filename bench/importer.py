"""Importer benchmark: readouts parsed per second, and imported (parsed and saved as
drafts) per second on SQLite and on PostgreSQL. Run with `make bench-importer`.

Each database is a fresh one made for the run (a temporary SQLite file; a
`pressoffice_bench` PostgreSQL database, dropped and created again).
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
COUNT = int(os.environ.get("BENCH_READOUTS", "500"))

SENTENCES = [
    "{host} received {guest} and the accompanying delegation in Northhaven on {date}.",
    "The two sides discussed economic cooperation, trade and the management of shared rivers.",
    "{host} said, “Our cooperation serves both our peoples, and we intend to take it further this year.”",
    "{guest} thanked the hosts and said that the agreements reached at earlier meetings were being carried out.",
    "Officials from both ministries also attended the meeting and agreed to meet again before the end of the year.",
    "The sides reviewed progress on the joint commission and on scholarships for students from both countries.",
]


def readouts(count: int, seed: int = 7) -> list[str]:
    """Readouts of about 400 words in the shape the importer expects."""
    rng = random.Random(seed)
    people = ["Maren Holt", "Tomas Vell", "Ilse Carrow", "Oren Lasky", "Sara Denholm"]
    made = []
    for number in range(count):
        host, guest = rng.sample(people, 2)
        day = f"{rng.randint(1, 28)} {rng.choice(['March', 'April', 'May', 'June'])} {rng.randint(2020, 2026)}"
        paragraphs = [
            " ".join(rng.choice(SENTENCES[1:]).format(host=host, guest=guest, date=day) for _ in range(5))
            for _ in range(6)
        ]
        paragraphs[0] = SENTENCES[0].format(host=host, guest=guest, date=day) + " " + paragraphs[0]
        made.append(
            f"Press Office\n\n{host} receives {guest} ({number})\n\nTalks on cooperation\n\n" + "\n\n".join(paragraphs)
        )
    return made


def measure(database_url: str) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    from statements import importer
    from statements.importer import saving

    user = get_user_model().objects.create_superuser("bench", "bench@example.invalid", "x")
    known = saving.directory()
    texts = readouts(COUNT)
    seed = (ROOT / "statements" / "demo" / "readout-2023-11-06-leader-iraq-pm.txt").read_bytes()
    started = time.perf_counter()
    for text in texts:
        importer.parse(text, known)
    parse_rate = COUNT / (time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(200):
        importer.parse(seed, known)
    seed_rate = 200 / (time.perf_counter() - started)
    started = time.perf_counter()
    for number, text in enumerate(texts):
        outcome = saving.prepare(text, source=f"bench-{number}", known=known)
        if saving.save(outcome, actor=user).status != saving.IMPORTED:
            raise SystemExit(f"bench readout {number} was not imported")
    import_rate = COUNT / (time.perf_counter() - started)
    return {"parse_per_s": parse_rate, "seed_parse_per_s": seed_rate, "import_per_s": import_rate}


def run(database_url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", database_url], capture_output=True, text=True, cwd=ROOT
    )
    if output.returncode:
        raise SystemExit(output.stderr[-3000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2])))
        return
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = run(f"sqlite:///{folder}/bench.sqlite3")
    subprocess.run(
        ["psql", PG_ADMIN_URL + "/postgres", "-qc", "DROP DATABASE IF EXISTS pressoffice_bench"], check=True
    )
    subprocess.run(["psql", PG_ADMIN_URL + "/postgres", "-qc", "CREATE DATABASE pressoffice_bench"], check=True)
    results["PostgreSQL"] = run(PG_ADMIN_URL + "/pressoffice_bench")
    print("| database | readouts | parsed per s (~400 words) | parsed per s (the 1,300-word seed) | imported per s |")
    print("|---|---|---|---|---|")
    for name, row in results.items():
        rates = f"{row['parse_per_s']:.0f} | {row['seed_parse_per_s']:.0f} | {row['import_per_s']:.0f}"
        print(f"| {name} | {COUNT} | {rates} |")


if __name__ == "__main__":
    main()
