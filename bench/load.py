"""Load benchmark: `make bench N=10000 DB=sqlite` (or DB=postgres).

Generates N statements into a database of its own, starts gunicorn with 2 sync workers,
drives every URL class with wrk, and prints requests/s, p50 and p99 latency and queries
per request, with each figure's ratio to the static file (the upper bound) and to a
template-only view without the database (the floor), all measured in the same run.
Runs twice: with the page cache off (every request rendered) and on (Redis).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DURATION = os.environ.get("BENCH_SECONDS", "6")
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_environment(database_url: str, **extra) -> dict:
    """A production-settings environment of the benchmark's own: nothing inherited from
    the caller's DJANGO_*, PRESSOFFICE_* or REDIS_URL, rate limits off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESSOFFICE_", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pressoffice.settings.base",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DJANGO_CONN_MAX_AGE="600",
        PRESSOFFICE_RATE_LIMIT_SEARCH="off",
        PRESSOFFICE_RATE_LIMIT_FEEDS="off",
        PRESSOFFICE_SIGNING_KEY_FILE=str(bench_signing_key()),
        **extra,
    )
    return env


def bench_signing_key() -> Path:
    """The benchmark's own throwaway signing key (git-ignored var/bench/), made once:
    production settings never make one, and publishing needs it."""
    path = ROOT / "var" / "bench" / "signing-key.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return path


def environment(database_url: str, cached: bool) -> dict:
    extra = {"REDIS_URL": REDIS} if cached else {}
    return base_environment(
        database_url, PRESSOFFICE_BENCH_FLOOR="true", PRESSOFFICE_PAGE_CACHE="true" if cached else "false", **extra
    )


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(database_url: str, count: int) -> float:
    """Generate the data set (returns the seconds it took), or, with BENCH_DATA=file.sqlite3,
    start from a copy of one generated before the same way (returns 0)."""
    env = environment(database_url, cached=False)
    source = os.environ.get("BENCH_DATA")
    if source and database_url.startswith("sqlite:///"):
        shutil.copy(source, database_url.removeprefix("sqlite:///"))
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    if source:
        return 0.0
    started = time.perf_counter()
    manage(env, "load_demo", "-v0")
    manage(env, "generate_demo", "--statements", str(count), "--languages", "en,fa,ar", "--seed", "7")
    return time.perf_counter() - started


def urls(env) -> dict:
    """One URL of each class, found in the generated data."""
    code = (
        "import json; from statements.models import Translation, Person, Topic;"
        "v = Translation.objects.public().filter(language='en').order_by('-occurred_on').first();"
        "p = Person.objects.filter(participations__statement__translations__in=Translation.objects.public()"
        ".filter(language='en')).order_by('pk').first();"
        "t = Topic.objects.filter(statements__translations__in=Translation.objects.public()"
        ".filter(language='en')).order_by('pk').first();"
        "n = Translation.objects.public().filter(language='en').count();"
        "print(json.dumps({'detail': v.get_absolute_url(), 'person': p.slug, 'topic': t.slug, 'pages': n // 20}))"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "static file": "/static/css/site.css",
        "floor (template, no database)": "/bench/floor/",
        "home": "/en/",
        "list page 1": "/en/statements/",
        "list by topic + person": f"/en/statements/?topic={found['topic']}&person={found['person']}",
        f"list page {min(500, found['pages'])}": f"/en/statements/?page={min(500, found['pages'])}",
        "detail": found["detail"],
        "person page": f"/en/people/{found['person']}/",
        "search": "/en/statements/?q=cooperation",
        "RSS": "/en/feeds/statements.rss",
        "Atom": "/en/feeds/statements.atom",
        "JSON Feed": "/en/feeds/statements.json",
    }


def queries_per_request(env, paths) -> dict:
    code = (
        "import json, sys; from django.db import connection; from django.test import Client;"
        "from django.test.utils import CaptureQueriesContext; c = Client(); out = {}\n"
        "for name, url in json.loads(sys.argv[2]).items():\n"
        "    c.get(url)\n"
        "    with CaptureQueriesContext(connection) as q:\n"
        "        status = c.get(url).status_code\n"
        "    out[name] = (len(q), status)\n"
        "print(json.dumps(out))"
    )
    env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"}
    out = subprocess.run(
        [PYTHON, "-c", "import django,sys;django.setup();exec(sys.argv[1])", code, json.dumps(paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, env):
        self.port = free_port()
        self.pidfile = Path(tempfile.mkdtemp()) / "gunicorn.pid"
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "pressoffice.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--pid",
                str(self.pidfile),
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)  # noqa: S310
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def rss_mb(self) -> float:
        workers = subprocess.run(
            ["ps", "--ppid", str(self.process.pid), "-o", "rss="], capture_output=True, text=True
        ).stdout.split()
        return max(int(value) for value in workers) / 1024 if workers else 0.0

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url: str, headers=()) -> dict:
    command = ["wrk", "-t2", "-c8", f"-d{DURATION}s", "--latency", url]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def percentile(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "rps": rate,
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def run_mode(database_url, cached, paths) -> tuple[dict, float]:
    env = environment(database_url, cached)
    if cached:
        subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], capture_output=True)
    server = Server(env)
    try:
        base = f"http://127.0.0.1:{server.port}"
        results = {name: wrk(base + path) for name, path in paths.items()}
        first = urllib.request.urlopen(base + paths["RSS"])  # noqa: S310
        etag = first.headers["ETag"]
        results["RSS, repeated (304)"] = wrk(base + paths["RSS"], [f"If-None-Match: {etag}"])
        return results, server.rss_mb()
    finally:
        server.stop()


def table(results, queries, label) -> str:
    static, floor = results["static file"]["rps"], results["floor (template, no database)"]["rps"]
    lines = [
        f"**{label}**",
        "",
        "| URL class | requests/s | × static | × floor | p50 ms | p99 ms | queries | non-2xx |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in results.items():
        count = queries.get(name, ("—", ""))[0] if name not in ("static file", "RSS, repeated (304)") else "—"
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['rps'] / static:.2f} | {row['rps'] / floor:.2f} | "
            f"{row['p50']:.1f} | {row['p99']:.1f} | {count} | {row['errors']} |"
        )
    return "\n".join(lines)


def main():
    count = int(os.environ.get("N", "1000"))
    db = os.environ.get("DB", "sqlite")
    folder = tempfile.mkdtemp()
    if db == "postgres":
        subprocess.run(["psql", f"{PG_ADMIN}/postgres", "-qc", "DROP DATABASE IF EXISTS pressoffice_load"], check=True)
        subprocess.run(["psql", f"{PG_ADMIN}/postgres", "-qc", "CREATE DATABASE pressoffice_load"], check=True)
        database_url = f"{PG_ADMIN}/pressoffice_load"
    else:
        database_url = f"sqlite:///{folder}/load.sqlite3"
    seconds = prepare(database_url, count)
    env = environment(database_url, cached=False)
    paths = urls(env)
    queries = queries_per_request(env, {k: v for k, v in paths.items() if k != "static file"})
    made = f"generated in {seconds:.0f} s" if seconds else "data set copied from BENCH_DATA"
    print(f"## N = {count}, {db} ({made})\n")
    for cached in (False, True):
        results, rss = run_mode(database_url, cached, paths)
        label = "cached (Redis)" if cached else "uncached"
        print(table(results, queries, f"{label}; largest worker {rss:.0f} MB RSS after the run") + "\n")


if __name__ == "__main__":
    main()
