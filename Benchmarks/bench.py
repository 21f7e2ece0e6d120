#!/usr/bin/env python3
"""The benchmark harness: stocktake side by side with the sqlite3 CLI on the same generated data.

Usage:
    python3 Benchmarks/bench.py [--rows 1200,100000] [--runs 5] [--suite import,workbook,query,export,xlsx,memory,serve]
                                [--datasets canonical,realistic] [--memory-rows 1000000] [--binary PATH]

With no arguments it does everything: the import, query and export suites on 1,200 and 100,000 rows,
and the memory suite (import and exports, one run each) on 1,000,000 rows. That took about three
minutes on two idle cores before the realistic data set and the SQL normalization reference were added;
the import suite alone at 100,000 rows now takes 12-18 minutes on a loaded 2-core machine (the whole
default run was not timed since). Generating the data sets, the first time, takes longer.
The import suite runs on two generated data sets (--datasets): canonical (codes, 1-3 links of each
kind per row) and realistic (3-6 Action Lines, 2-5 SDGs, 1-3 countries per row, written as titles and
aliases, ~1% of rows with one problem, imported with --skip-invalid: exit status 2 expected); each
import is compared with three sqlite3 references (flat .import + FTS5, bare .import, and the SQL
normalization pipeline). Queries, exports and re-imports use the canonical set.
It builds the release binary (unless --binary is given), generates the data sets with the repo's
generator (Fixtures/generate.py) into Benchmarks/data/ (not committed), runs every benchmark of the
chosen suites --runs times alternating stocktake and its sqlite3 reference, and prints one Markdown
table: median and min–max wall time of the whole process, the ratio of the medians, peak resident
memory and the median CPU time, user + system, all threads (from /usr/bin/time: on a shared, loaded
machine the CPU time moves less than the wall time). Each run starts from a fresh copy of its database, made outside the timing.

The sqlite3 references are the nearest C-speed equivalents, written out below (REFERENCE_*).

The serve suite (not in the default run: --suite serve) starts `stocktake serve` on the canonical data
set and loads it with wrk (Debian: apt-get install wrk; skipped with a message when missing), 2 threads,
8 connections, --serve-seconds each: the projects page with all facets, the total and one filter (HTML),
the filtered JSON list with total and facet counts, and the same list from Datasette (installed into
Benchmarks/data/datasette-venv from PyPI when missing; skipped with a message when it cannot be) without
counting (`_nocount=1&_nofacet=1&_nosuggest=1`) and as its default filtered list (which counts and
suggests facets). It also times downloading every project as CSV against `stocktake export`, the
server's peak RSS (VmHWM) over the whole suite, and the delay between an import's commit and the
list showing it.

The workbook suite imports the canonical data set saved as .xlsx (by xlsxwriter, with a shared-strings
table, as Excel writes it; every cell a string) side by side with the same rows as CSV: issue 14 asks
for at most 1.25x. It is skipped, with a message, when xlsxwriter cannot be imported
(pip install xlsxwriter).

The xlsx suite times `export --format xlsx` side by side with `export --format csv` of the same
projects (issue 15 asks for at most 2x) and with xlsxwriter's constant_memory mode writing the same
rows from that CSV export (every cell a string, as the workbook suite writes them); the memory suite
also records the peak memory of an xlsx export (issue 15: at most 64 MiB at 1,000,000 projects).
"""
import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "Benchmarks", "data")
GENERATOR = os.path.join(ROOT, "Fixtures", "generate.py")

# The sqlite3 pipeline an import is compared with: the same journal mode and synchronous level that
# stocktake uses (WAL, NORMAL), a plain .import, then a full-text index over the same three columns
# with the same tokenizer, filled once.
REFERENCE_IMPORT = """PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
.import --csv {csv} projects
CREATE VIRTUAL TABLE projects_fts USING fts5(title, description, organization, content='projects',
    tokenize='unicode61 remove_diacritics 2');
INSERT INTO projects_fts (rowid, title, description, organization)
    SELECT rowid, title, description, organization FROM projects;
"""

# xlsxwriter's streaming mode writing the rows of a CSV file (argv[1]) into a workbook (argv[2]):
# every cell a string, as stocktake's text cells; the nearest widely used writer to compare with.
XLSXWRITER_REFERENCE = """
import csv, sys, xlsxwriter
book = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
sheet = book.add_worksheet("Projects")
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    for row, record in enumerate(csv.reader(handle)):
        for column, value in enumerate(record):
            if value:
                sheet.write_string(row, column, value)
book.close()
"""

# The bare .import with SQLite's default rollback journal, for scale.
REFERENCE_BARE_IMPORT = ".import --csv {csv} projects\n"

# The fairer peer for an import with links: the sqlite3 CLI alone doing the same normalization in
# SQL. The file goes into a staging table with .import; each ';'-separated list (action_lines, sdgs,
# countries, gdc_objectives) is split with json_each and its items are mapped to ids through a
# small table of the spellings the generator writes (Fixtures/generate.py realistic_spellings():
# canonical codes, titles, aliases, ITU names ..., one exact trimmed match each), into WITHOUT ROWID
# link tables keyed like stocktake's, each with an index on its other direction (CROSS JOIN keeps the
# planner from scanning the file once per spelling); the stakeholder
# type is mapped the same way; the project table gets a unique external_id index (built after the
# rows) and an FTS5 index with external content, filled in one pass, same tokenizer.
# What it does NOT do, compared with stocktake: no validation at all (an unknown Action Line, SDG or
# country is silently dropped by the join, a bad date or e-mail is stored as is, nothing is
# reported or rejected), no general resolver (only the exact spellings in the table: no case or
# space folding, no Cyrillic С, no fuzzy suggestions), no organizations table, no country positions,
# no import batch or per-row change log (no revert), no duplicate-id check, no foreign keys; the
# staging table stays in the database. It uses the same journal mode and synchronous level (WAL,
# NORMAL) and the same FTS5 tokenizer; it does not set stocktake's 16 MiB FTS5 hash.
REFERENCE_NORMALIZE = """PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
.import --csv {csv} staging
CREATE TABLE spelling (kind TEXT NOT NULL, spelling TEXT NOT NULL, id INTEGER NOT NULL,
    PRIMARY KEY (kind, spelling)) WITHOUT ROWID;
INSERT INTO spelling (kind, spelling, id) VALUES {spellings};
BEGIN;
CREATE TABLE project (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL COLLATE NOCASE, title TEXT NOT NULL,
    description TEXT, organization_name TEXT, stakeholder_type_id INTEGER, coverage TEXT, status TEXT,
    start_date TEXT, end_date TEXT, website TEXT, contact_email TEXT, partners TEXT, activity_type TEXT,
    submitted_on TEXT);
INSERT INTO project
    SELECT s.rowid, s.external_id, s.title, nullif(s.description, ''), nullif(trim(s.organization), ''),
        (SELECT m.id FROM spelling m WHERE m.kind = 'st' AND m.spelling = trim(s.stakeholder_type)),
        lower(nullif(s.coverage, '')), lower(nullif(s.status, '')), nullif(s.start_date, ''), nullif(s.end_date, ''),
        nullif(s.website, ''), nullif(s.contact_email, ''), nullif(s.partners, ''), nullif(s.activity_type, ''),
        nullif(s.submitted_on, '')
    FROM staging s;
CREATE UNIQUE INDEX project_external_id ON project(external_id);
{links}
CREATE VIRTUAL TABLE project_fts USING fts5(title, description, organization_name, content='project',
    content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO project_fts (rowid, title, description, organization_name)
    SELECT id, title, description, organization_name FROM project;
COMMIT;
"""
# One link table: (table, column, CSV column, spelling kind).
REFERENCE_NORMALIZE_LINK = """CREATE TABLE {table} (project_id INTEGER NOT NULL, {column} INTEGER NOT NULL,
    PRIMARY KEY (project_id, {column})) WITHOUT ROWID;
INSERT OR IGNORE INTO {table} (project_id, {column})
    SELECT s.rowid, m.id FROM staging s CROSS JOIN json_each('["' || replace(s.{source}, ';', '","') || '"]') j
    CROSS JOIN spelling m ON m.kind = '{kind}' AND m.spelling = trim(j.value)
    WHERE s.{source} <> '';
CREATE INDEX {table}_by_other ON {table}({column}, project_id);
"""
REFERENCE_NORMALIZE_LINKS = [
    ("project_action_line", "action_line_id", "action_lines", "al"),
    ("project_sdg", "sdg_id", "sdgs", "sdg"),
    ("project_country", "country_id", "countries", "country"),
    ("project_gdc_objective", "gdc_objective_id", "gdc_objectives", "gdc"),
]


def load_generator():
    spec = importlib.util.spec_from_file_location("stocktake_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_normalize_script(csv):
    """REFERENCE_NORMALIZE filled in: the spelling table from the generator, the four link tables."""
    def quoted(text):
        return "'" + text.replace("'", "''") + "'"
    spellings = load_generator().realistic_spellings()
    values = ",\n    ".join(f"({quoted(kind)}, {quoted(spelling)}, {index})"
                              for kind, pairs in spellings.items() for spelling, index in pairs)
    links = "".join(REFERENCE_NORMALIZE_LINK.format(table=t, column=c, source=src, kind=k)
                    for t, c, src, k in REFERENCE_NORMALIZE_LINKS)
    return REFERENCE_NORMALIZE.format(csv=csv, spellings=values, links=links)

# Plain SQL for the same answers as the query benchmarks, run by the sqlite3 CLI on the same database.
ACTIVE_2020 = ("p.start_date IS NOT NULL AND CAST(substr(p.start_date, 1, 4) AS INTEGER) <= 2020 AND "
               "(CAST(substr(p.end_date, 1, 4) AS INTEGER) >= 2020 OR (p.end_date IS NULL AND p.status = 'ongoing'))")
C5_SDG4 = ("p.id IN (SELECT project_id FROM project_action_line WHERE action_line_id = "
           "(SELECT id FROM action_line WHERE code = 'C5')) AND p.id IN (SELECT project_id FROM project_sdg WHERE sdg_id = 4)")
REFERENCE_QUERIES = {
    "find": f"SELECT p.external_id, p.title FROM project p WHERE {C5_SDG4} AND {ACTIVE_2020} ORDER BY p.external_id LIMIT 50",
    "count": f"SELECT count(*) FROM project p WHERE {C5_SDG4} AND {ACTIVE_2020}",
    "search": ("SELECT p.external_id, p.title FROM project_fts JOIN project p ON p.id = project_fts.rowid "
               "WHERE project_fts MATCH '\"telemedicine\" \"rural\"' ORDER BY rank LIMIT 20"),
    "matrix": ("SELECT a.action_line_id, s.sdg_id, count(*) FROM project_action_line a "
               "JOIN project_sdg s ON s.project_id = a.project_id GROUP BY 1, 2"),
    "crosstab": ("SELECT c.region_id, a.action_line_id, count(DISTINCT a.project_id) FROM project_country pc "
                 "JOIN country c ON c.id = pc.country_id JOIN project_action_line a ON a.project_id = pc.project_id "
                 "GROUP BY 1, 2"),
}

# The export's rows with links re-joined as ';' lists, written by the sqlite3 CLI (-csv or -json).
REFERENCE_EXPORT = """SELECT external_id, title, description, organization, stakeholder_type, countries, coverage, status,
    start_date, end_date, website, contact_email, partners, activity_type, action_lines, sdgs, gdc_objectives, submitted_on
FROM project_flat ORDER BY external_id"""


def run_timed(command, stdin_text=None, cwd=None, accept=(0,)):
    """Runs a command under /usr/bin/time; returns (seconds, peak KiB, CPU seconds: user + system,
    all threads). `accept`: the exit statuses
    that are not a failure (an import with --skip-invalid that skipped rows exits 2)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        full = ["/usr/bin/time", "-f", "%e %M %U %S", "-o", timing.name] + command
        started = time.perf_counter()
        result = subprocess.run(full, input=stdin_text, text=True, cwd=cwd,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - started
        if result.returncode not in accept:
            sys.exit(f"benchmark command failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
        fields = timing.read().split()
        if len(fields) < 4:
            return elapsed, 0, 0.0
        return elapsed, int(fields[-3]), float(fields[-2]) + float(fields[-1])


def reference_venv(packages):
    """The Python of Benchmarks/venv with `packages` installed (created when missing); None, with a
    message, when that cannot be done (no network, no venv module)."""
    venv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "venv")
    python = os.path.join(venv, "bin", "python")
    try:
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([python, "-m", "pip", "install", "--quiet"] + packages, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
        return python
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        print(f"cannot install {' '.join(packages)} into {venv} ({error}): those references SKIPPED", file=sys.stderr)
        return None


def median_range(values):
    return statistics.median(values), min(values), max(values)


class Harness:
    def __init__(self, args):
        self.args = args
        self.rows_out = []
        self.serve_out = []
        self.work = tempfile.mkdtemp(prefix="stocktake-bench-")
        self.load_at_start = "%.2f, %.2f, %.2f" % os.getloadavg()
        self.binary = args.binary or self.build()
        self.sqlite3 = shutil.which("sqlite3") or sys.exit("sqlite3 CLI not found (apt-get install sqlite3)")

    def build(self):
        for product in ("stocktake", "stocktake-server"):
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
        return os.path.join(path, "stocktake")

    def dataset(self, rows, seed=2025, style="canonical"):
        os.makedirs(DATA, exist_ok=True)
        path = os.path.join(DATA, f"projects-{rows}-{seed}-{style}.csv")
        if not os.path.exists(path):
            print(f"generating {path} …", file=sys.stderr)
            subprocess.run([sys.executable, GENERATOR, "projects", "--rows", str(rows), "--seed", str(seed),
                            "--style", style, "--out", path], check=True)
        return path

    def fresh(self, name, template=None):
        path = os.path.join(self.work, name)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        if template:
            shutil.copyfile(template, path)
        return path

    def compare(self, label, ours, reference, runs, reference_label="sqlite3"):
        """`ours` and `reference` are callables returning (seconds, KiB); runs alternate."""
        self.compare_many(label, ours, [(reference_label, reference)] if reference else [], runs)

    def compare_many(self, label, ours, references, runs):
        """One table row per (label, callable) in `references`, all against the same runs of `ours`:
        each round runs ours, then every reference once, in order."""
        our_times, our_memory, our_cpu = [], [], []
        theirs = [([], [], []) for _ in references]
        for _ in range(runs):
            seconds, kib, cpu = ours()
            our_times.append(seconds)
            our_memory.append(kib)
            our_cpu.append(cpu)
            for (_, reference), (times, memory, cpus) in zip(references, theirs):
                seconds, kib, cpu = reference()
                times.append(seconds)
                memory.append(kib)
                cpus.append(cpu)
        mine = median_range(our_times)
        if not references:
            self.rows_out.append({"label": label, "ours": mine, "ours_kib": max(our_memory),
                                  "ours_cpu": statistics.median(our_cpu)})
            print(f"  {label}: {mine[0]:.3f} s", file=sys.stderr)
        for (reference_label, _), (times, memory, cpus) in zip(references, theirs):
            other = median_range(times)
            row = {"label": label, "ours": mine, "ours_kib": max(our_memory), "reference": other,
                   "reference_label": reference_label, "ratio": mine[0] / other[0], "reference_kib": max(memory),
                   "ours_cpu": statistics.median(our_cpu), "reference_cpu": statistics.median(cpus)}
            self.rows_out.append(row)
            print(f"  {label}: {mine[0]:.3f} s vs {other[0]:.3f} s {reference_label} ({row['ratio']:.2f}×)",
                  file=sys.stderr)

    # ------------------------------------------------------------------ import

    def import_suite(self, rows, runs, style="canonical"):
        csv = self.dataset(rows, style=style)
        empty = self.fresh("empty.db")
        subprocess.run([self.binary, "init", "--db", empty], check=True, stdout=subprocess.DEVNULL)
        realistic = style == "realistic"
        normalize = reference_normalize_script(csv)

        def ours():
            db = self.fresh("import.db", template=empty)
            if realistic:  # ~1% of the rows have a problem: skipped, reported, exit status 2
                return run_timed([self.binary, "import", "--quiet", "--skip-invalid", "--db", db, csv], accept=(2,))
            return run_timed([self.binary, "import", "--quiet", "--db", db, csv])

        def reference():
            db = self.fresh("reference.db")
            return run_timed([self.sqlite3, db], stdin_text=REFERENCE_IMPORT.format(csv=csv))

        def bare():
            db = self.fresh("bare.db")
            return run_timed([self.sqlite3, db], stdin_text=REFERENCE_BARE_IMPORT.format(csv=csv))

        def normalized():
            db = self.fresh("normalized.db")
            return run_timed([self.sqlite3, "-bail", db], stdin_text=normalize)

        what = ("realistic: 3-6 Action Lines, 2-5 SDGs, aliases, 1% bad rows, --skip-invalid" if realistic
                else "canonical: validation, links, full-text index")
        self.compare_many(f"import {rows:,} rows ({what})", ours, [
            ("sqlite3 .import + FTS5 (WAL)", reference),
            ("sqlite3 SQL normalization: staging, json_each links, FTS5 (WAL)", normalized),
            ("sqlite3 .import (rollback journal)", bare),
        ], runs)
        if realistic:
            return

        changed = self.dataset(rows, seed=2026)
        filled = self.fresh("filled.db", template=empty)
        subprocess.run([self.binary, "import", "--quiet", "--db", filled, csv], check=True)

        def unchanged():
            db = self.fresh("again.db", template=filled)
            return run_timed([self.binary, "import", "--quiet", "--db", db, csv])

        def every_row_changed():
            db = self.fresh("changed.db", template=filled)
            return run_timed([self.binary, "import", "--quiet", "--db", db, changed])

        self.compare(f"re-import {rows:,} rows, all unchanged", unchanged, None, runs)
        self.compare(f"import {rows:,} rows, every row changed", every_row_changed, None, runs)
        self.filled_database = filled

    def workbook(self, rows):
        """The canonical data set as .xlsx, written once next to the CSV; None without xlsxwriter."""
        csv_path = self.dataset(rows)
        path = csv_path[:-len(".csv")] + ".xlsx"
        if os.path.exists(path):
            return path
        try:
            import csv
            import xlsxwriter
        except ImportError:
            print("xlsxwriter is not installed (pip install xlsxwriter): workbook suite SKIPPED", file=sys.stderr)
            return None
        print(f"generating {path} …", file=sys.stderr)
        book = xlsxwriter.Workbook(path + ".partial", {"strings_to_numbers": False, "strings_to_formulas": False,
                                                       "strings_to_urls": False})
        sheet = book.add_worksheet("Projects")
        with open(csv_path, newline="", encoding="utf-8") as handle:
            for row, record in enumerate(csv.reader(handle)):
                for column, value in enumerate(record):
                    if value:
                        sheet.write_string(row, column, value)
        book.close()
        os.replace(path + ".partial", path)
        return path

    def workbook_suite(self, rows, runs):
        workbook = self.workbook(rows)
        if workbook is None:
            return
        csv_path = self.dataset(rows)
        empty = self.fresh("empty.db")
        subprocess.run([self.binary, "init", "--db", empty], check=True, stdout=subprocess.DEVNULL)

        def from_workbook():
            db = self.fresh("workbook.db", template=empty)
            return run_timed([self.binary, "import", "--quiet", "--db", db, workbook])

        def from_csv():
            db = self.fresh("csv.db", template=empty)
            return run_timed([self.binary, "import", "--quiet", "--db", db, csv_path])

        self.compare(f"import {rows:,} rows from .xlsx (shared strings)", from_workbook, from_csv, runs,
                     reference_label="the same rows from CSV (goal: at most 1.25x)")

        # Reading alone: `inspect` (which also checks every value and loads the valid rows into its
        # temporary database) against the fastest Python readers, which only read the cells.
        python = reference_venv(["python-calamine==0.9.1", "openpyxl"])

        def inspect():
            return run_timed([self.binary, "inspect", "--rows", "0", workbook], accept=(0, 2))

        references = []
        if python:
            calamine = ("from python_calamine import CalamineWorkbook\nimport sys\n"
                        "sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)\n"
                        "print(sum(1 for _ in sheet.iter_rows()))\n")
            openpyxl = ("import openpyxl, sys\nbook = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
                        "print(sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)))\n")
            references = [
                ("python-calamine 0.9.1 (reading only)", lambda: run_timed([python, "-c", calamine, workbook])),
                ("openpyxl read-only (reading only)", lambda: run_timed([python, "-c", openpyxl, workbook])),
            ]
        self.compare_many(f"inspect {rows:,} rows of .xlsx", inspect, references, runs)

    def query_suite(self, rows, runs):
        database = getattr(self, "filled_database", None)
        if database is None:
            database = self.fresh("query.db")
            subprocess.run([self.binary, "import", "--quiet", "--db", database, self.dataset(rows)], check=True)
        ours = {
            "find": ["find", "--action-line", "C5", "--sdg", "4", "--active-in", "2020", "--limit", "50", "--format", "csv"],
            "count": ["find", "--action-line", "C5", "--sdg", "4", "--active-in", "2020", "--count"],
            "search": ["find", "--search", "telemedicine rural", "--limit", "20", "--format", "csv"],
            "matrix": ["stats", "--matrix", "--format", "csv"],
            "crosstab": ["stats", "--by", "region", "--by", "action-line", "--format", "csv"],
        }
        for name, arguments in ours.items():
            self.compare(
                f"{' '.join(arguments[:-2] if arguments[-2] == '--format' else arguments)} ({rows:,} projects)",
                lambda arguments=arguments: run_timed([self.binary] + arguments[:1] + ["--db", database] + arguments[1:]),
                lambda name=name: run_timed([self.sqlite3, "-csv", database, REFERENCE_QUERIES[name]]),
                runs, "sqlite3 plain SQL")

    def export_suite(self, rows, runs):
        database = getattr(self, "filled_database", None)
        if database is None:
            database = self.fresh("export.db")
            subprocess.run([self.binary, "import", "--quiet", "--db", database, self.dataset(rows)], check=True)
        out = os.path.join(self.work, "export.out")
        for name, flag in (("csv", "-csv"), ("ndjson", "-json")):
            self.compare(
                f"export --format {name} ({rows:,} projects)",
                lambda name=name: run_timed([self.binary, "export", "--db", database, "--format", name, "--out", out]),
                lambda flag=flag: run_timed(["sh", "-c", f'"$0" {flag} -header "$1" "$2" > "$3"', self.sqlite3, database,
                                             REFERENCE_EXPORT, out]),
                runs, f"sqlite3 {flag} with group_concat")

    def xlsx_suite(self, rows, runs):
        database = getattr(self, "filled_database", None)
        if database is None:
            database = self.fresh("export.db")
            subprocess.run([self.binary, "import", "--quiet", "--db", database, self.dataset(rows)], check=True)
        csv_out = os.path.join(self.work, "xlsx-suite.csv")
        subprocess.run([self.binary, "export", "--db", database, "--out", csv_out], check=True)
        out = os.path.join(self.work, "export.xlsx")
        references = [("export --format csv, same projects (goal: xlsx at most 2x)",
                       lambda: run_timed([self.binary, "export", "--db", database, "--out", os.path.join(self.work, "export.csv")]))]
        if importlib.util.find_spec("xlsxwriter") is not None:
            references.append(("xlsxwriter constant_memory, same rows from the CSV",
                               lambda: run_timed([sys.executable, "-c", XLSXWRITER_REFERENCE, csv_out, out + ".py.xlsx"])))
        else:
            print("xlsxwriter is not installed (pip install xlsxwriter): its xlsx reference SKIPPED", file=sys.stderr)
        self.compare_many(f"export --format xlsx ({rows:,} projects)",
                          lambda: run_timed([self.binary, "export", "--db", database, "--format", "xlsx", "--out", out]),
                          references, runs)

    def memory_suite(self, rows):
        csv = self.dataset(rows)
        empty = self.fresh("memory-empty.db")
        subprocess.run([self.binary, "init", "--db", empty], check=True, stdout=subprocess.DEVNULL)

        def ours():
            db = self.fresh("memory.db", template=empty)
            return run_timed([self.binary, "import", "--quiet", "--db", db, csv])

        self.compare(f"import {rows:,} rows (peak memory, one run)", ours, None, 1)
        database = os.path.join(self.work, "memory.db")
        out = os.path.join(self.work, "memory-export.csv")
        self.compare(f"export --format csv {rows:,} projects (peak memory, one run)",
                     lambda: run_timed([self.binary, "export", "--db", database, "--out", out]), None, 1)
        self.compare(f"export --format ndjson {rows:,} projects (peak memory, one run)",
                     lambda: run_timed([self.binary, "export", "--db", database, "--format", "ndjson", "--out", out]), None, 1)
        xlsx = os.path.join(self.work, "memory-export.xlsx")
        self.compare(f"export --format xlsx {rows:,} projects (peak memory, one run)",
                     lambda: run_timed([self.binary, "export", "--db", database, "--format", "xlsx", "--out", xlsx]), None, 1)
        os.remove(out)
        os.remove(xlsx)

    # ------------------------------------------------------------------ serve

    def start_server(self, command, url_pattern, ready_url, env=None):
        """Starts a server process; returns (process, base URL) once `ready_url` answers."""
        import re
        import urllib.request
        log = open(os.path.join(self.work, "server-%d.log" % len(self.serve_out)), "w+")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 600
        base = None
        while time.time() < deadline and process.poll() is None:
            log.seek(0)
            match = re.search(url_pattern, log.read())
            if match:
                base = match.group(1)
                try:
                    urllib.request.urlopen(base + ready_url, timeout=30).read()
                    return process, base
                except Exception:
                    pass
            time.sleep(0.2)
        process.kill()
        log.seek(0)
        sys.exit(f"server did not start: {' '.join(command)}\n{log.read()[-2000:]}")

    def wrk(self, url, seconds):
        """wrk -t2 -c8 --latency: (requests/s, p50 ms, p99 ms, non-2xx responses)."""
        import re
        output = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", url],
                                capture_output=True, text=True, check=True).stdout

        def milliseconds(label):
            match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
            if not match:
                return float("nan")
            value, unit = float(match.group(1)), match.group(2)
            return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
        # wrk counts a request over its 2 s timeout as an error and leaves it out of the latencies.
        timeouts = re.search(r"timeout (\d+)", output)
        failed = (int(errors.group(1)) if errors else 0) + (int(timeouts.group(1)) if timeouts else 0)
        return rps, milliseconds("50"), milliseconds("99"), failed

    def datasette(self):
        """The datasette command, installed into a virtual environment when missing; None when it cannot be."""
        found = shutil.which("datasette")
        if found:
            return found
        venv = os.path.join(DATA, "datasette-venv")
        command = os.path.join(venv, "bin", "datasette")
        if not os.path.exists(command):
            os.makedirs(DATA, exist_ok=True)
            try:
                subprocess.run([sys.executable, "-m", "venv", venv], check=True, stdout=subprocess.DEVNULL)
                subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "datasette"], check=True,
                               stdout=subprocess.DEVNULL, timeout=600)
            except Exception as error:
                print(f"Datasette could not be installed ({error}): its comparison SKIPPED", file=sys.stderr)
                return None
        return command

    def serve_suite(self, rows, seconds):
        if not shutil.which("wrk"):
            print("wrk is not installed (apt-get install wrk): serve suite SKIPPED", file=sys.stderr)
            return
        self.serve_out.append(f"**{rows:,} projects**, wrk -t2 -c8 -d{seconds}s on loopback, server and wrk on the same cores; "
                              f"load average {'%.2f, %.2f, %.2f' % os.getloadavg()} at the start of this suite.")
        self.serve_out.append("")
        self.serve_out.append("| request | server | requests/s | p50 | p99 | non-2xx or timed out (2 s) |")
        self.serve_out.append("|---|---|---|---|---|---|")
        database = self.fresh("serve.db")
        subprocess.run([self.binary, "import", "--quiet", "--db", database, self.dataset(rows)], check=True)
        server, base = self.start_server([self.binary, "serve", "--db", database, "--port", "0"],
                                         r"(http://127\.0\.0\.1:\d+)/projects \((.*?)\)", "/api/projects?limit=1")

        def peak_rss_mib(process):
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
            return float("nan")

        def row(label, who, url):
            rps, p50, p99, errors = self.wrk(url, seconds)
            self.serve_out.append(f"| `{label}` | {who} | {rps:,.1f} | {p50:.2f} ms | {p99:.2f} ms | {errors} |")
            return rps

        try:
            row("/projects?stakeholder_type=government", "stocktake serve", base + "/projects?stakeholder_type=government")
            ours = row("/api/projects?stakeholder_type=government&limit=50", "stocktake serve",
                       base + "/api/projects?stakeholder_type=government&limit=50")
            # Downloading every project as CSV against `stocktake export` of the same database.
            out = os.path.join(self.work, "download.csv")
            downloads, exports = [], []
            for _ in range(3):
                downloads.append(run_timed(["curl", "-sf", "-o", out, base + "/projects.csv"])[0])
                exports.append(run_timed([self.binary, "export", "--db", database, "--out", out])[0])
            download, export = min(downloads), min(exports)
            # The delay between an import's commit and the list showing it.
            before = json.loads(subprocess.run(["curl", "-sf", base + "/api/projects?limit=1"], capture_output=True,
                                               text=True, check=True).stdout)["total"]
            extra = os.path.join(self.work, "one-more.csv")
            with open(extra, "w") as handle:
                handle.write("external_id,title,action_lines\nBENCH-NEW-1,One more project,C5\n")
            subprocess.run([self.binary, "import", "--quiet", "--db", database, extra], check=True)
            committed = time.perf_counter()
            delay = float("nan")
            while time.perf_counter() - committed < 30:
                now = json.loads(subprocess.run(["curl", "-sf", base + "/api/projects?limit=1"], capture_output=True,
                                                text=True, check=True).stdout)["total"]
                if now != before:
                    delay = time.perf_counter() - committed
                    break
                time.sleep(0.02)
            rss = peak_rss_mib(server)
        finally:
            server.terminate()
            server.wait(timeout=60)
        os.remove(out)

        datasette = self.datasette()
        theirs = None
        if datasette:
            government = subprocess.run([self.sqlite3, database, "SELECT id FROM stakeholder_type WHERE code = 'government'"],
                                        capture_output=True, text=True, check=True).stdout.strip()
            name = os.path.splitext(os.path.basename(database))[0]
            process, dbase = self.start_server([datasette, "serve", "-i", database, "--port", "0"],
                                               r"(http://127\.0\.0\.1:\d+)", "/-/versions.json")
            try:
                theirs = row(f"/{name}/project.json?stakeholder_type_id={government}&_size=50&_nocount=1&_nofacet=1&_nosuggest=1",
                             "Datasette", f"{dbase}/{name}/project.json?stakeholder_type_id={government}&_size=50&_nocount=1&_nofacet=1&_nosuggest=1")
                row(f"/{name}/project.json?stakeholder_type_id={government}&_size=50", "Datasette",
                    f"{dbase}/{name}/project.json?stakeholder_type_id={government}&_size=50")
            finally:
                process.terminate()
                process.wait(timeout=60)
        self.serve_out.append("")
        self.serve_out.append(f"- JSON list, stocktake serve / Datasette without counts: "
                              + (f"{ours / theirs:.1f}× the requests/s" if theirs else "Datasette SKIPPED"))
        self.serve_out.append(f"- every project as CSV: download {download:.2f} s, `stocktake export` {export:.2f} s "
                              f"(the download at {export / download:.0%} of export's speed; best of 3)")
        self.serve_out.append(f"- the server's peak RSS (VmHWM) over the suite: {rss:.0f} MiB")
        self.serve_out.append(f"- an import's commit to the list showing it: {delay:.2f} s")
        self.serve_out.append("")

    # ------------------------------------------------------------------ output

    def table(self, runs):
        lines = [
            f"Measured {time.strftime('%Y-%m-%d')} on {platform.node()} ({os.cpu_count()} cores, {platform.platform()}), "
            f"sqlite3 {subprocess.run([self.sqlite3, '--version'], capture_output=True, text=True).stdout.split()[0]}, "
            f"median of {runs} runs (whole process, wall clock); load average (1, 5, 15 min) "
            f"{self.load_at_start} at the start, {'%.2f, %.2f, %.2f' % os.getloadavg()} at the end.",
            "",
            "| benchmark | stocktake median (min–max) | reference | reference median (min–max) | ratio | stocktake peak RSS | CPU s, stocktake / reference |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in self.rows_out:
            ours = "%.3f s (%.3f–%.3f)" % row["ours"]
            if "reference" in row:
                theirs = "%.3f s (%.3f–%.3f)" % row["reference"]
                lines.append(f"| {row['label']} | {ours} | {row['reference_label']} | {theirs} | {row['ratio']:.2f}× | {row['ours_kib'] / 1024:.0f} MiB | {row['ours_cpu']:.2f} / {row['reference_cpu']:.2f} |")
            else:
                lines.append(f"| {row['label']} | {ours} | – | – | – | {row['ours_kib'] / 1024:.0f} MiB | {row['ours_cpu']:.2f} / – |")
        return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1200,100000",
                        help="comma list of data set sizes for the import, query and export suites")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", default="import,workbook,query,export,xlsx,memory",
                        help="comma list of: import, workbook, query, export, xlsx, memory, serve")
    parser.add_argument("--serve-seconds", type=int, default=30, help="seconds of wrk load per request of the serve suite")
    parser.add_argument("--datasets", default="canonical,realistic",
                        help="comma list of the import suite's data sets: canonical, realistic")
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    parser.add_argument("--binary")
    args = parser.parse_args()
    harness = Harness(args)
    try:
        suites = args.suite.split(",")
        for rows in [int(size) for size in args.rows.split(",")]:
            if "import" in suites:
                for style in args.datasets.split(","):
                    harness.import_suite(rows, args.runs, style)
            if "workbook" in suites:
                harness.workbook_suite(rows, args.runs)
            if "query" in suites:
                harness.query_suite(rows, args.runs)
            if "export" in suites:
                harness.export_suite(rows, args.runs)
            if "xlsx" in suites:
                harness.xlsx_suite(rows, args.runs)
            if "serve" in suites:
                harness.serve_suite(rows, args.serve_seconds)
        if "memory" in suites:
            harness.memory_suite(args.memory_rows)
        if harness.rows_out:
            print(harness.table(args.runs))
        if harness.serve_out:
            print("\n".join(harness.serve_out))
    finally:
        shutil.rmtree(harness.work, ignore_errors=True)


if __name__ == "__main__":
    main()
