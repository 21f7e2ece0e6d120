#!/usr/bin/env bash
# Crash safety: kills `stocktake import`, `export --out` and `export --bundle` with SIGKILL at random
# moments and checks that nothing half-written is ever visible.
#
#   import          PRAGMA integrity_check and the FTS5 index check pass, and the database holds
#                   exactly the state before the import or exactly the state after an uninterrupted
#                   import into a copy of the same database (row counts of every data table and the
#                   SHA-256 of `export --format csv`); the --report file is absent or complete.
#   export --out    the target holds the old file or the complete new one; no .stocktake-* temporary.
#   export --bundle every visible entry is `latest` or a complete bundle (manifest rows, bytes and
#                   sha256 equal its files), `latest` points to a complete bundle whose projects.csv
#                   is the old or the new export; hidden temporaries (.bundle-*, .latest-*) are
#                   counted and reported, never visible as bundles.
#
# Usage: Tests/Scripts/crash-safety.sh [TRIALS]      (default 20 trials per command)
# Environment:
#   ROWS=N               rows of the generated import file (default 30000; the import must run for
#                        a second or more so the kills land inside it)
#   CONFIGURATION=debug  or release: how to build stocktake (scratch path .build-faults)
#   STOCKTAKE_BINARY=P   use this binary instead of building one
#   KEEP=1               keep the work directory (printed at the end)
# Needs python3 (the fixture generator and the bundle check) and sqlite3 (the independent checks).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
trials=${1:-20}
rows=${ROWS:-30000}
configuration=${CONFIGURATION:-debug}

for tool in python3 sqlite3 sha256sum; do
    command -v "$tool" >/dev/null || { echo "crash-safety: $tool is required" >&2; exit 1; }
done

if [[ -n ${STOCKTAKE_BINARY:-} ]]; then
    bin=$STOCKTAKE_BINARY
else
    swift build -c "$configuration" --scratch-path .build-faults --product stocktake >&2
    bin="$(swift build -c "$configuration" --scratch-path .build-faults --show-bin-path)/stocktake"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/stocktake-crash-XXXXXX")
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$work"' EXIT; fi
cd "$work"

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# Milliseconds since the epoch.
now_ms() { date +%s%3N; }

# Sleeps a uniformly random time in [0, $1) milliseconds.
random_sleep() {
    local limit=$1
    local ms=$(( (RANDOM * 32768 + RANDOM) % limit ))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
}

# Runs "$@" in the background, kills it with SIGKILL after a random time below 1.15 × $1 ms (the
# uninterrupted run time, so the last moments — commit, rename, symlink swap — are hit too), and
# prints "killed" or "finished:<status>" (a run may end before the kill lands).
kill_at_random() {
    local limit=$(( $1 * 115 / 100 + 1 ))
    shift
    "$@" >/dev/null 2>&1 &
    local pid=$!
    random_sleep "$limit"
    kill -KILL "$pid" 2>/dev/null || true
    local status=0
    wait "$pid" || status=$?
    if [[ $status -eq 137 ]]; then echo killed; else echo "finished:$status"; fi
}

# Row counts of the data tables and the SHA-256 of the canonical CSV export: one line.
database_state() {
    local db=$1 counts sha
    counts=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM project) || ' ' || (SELECT count(*) FROM project_action_line)
        || ' ' || (SELECT count(*) FROM project_sdg) || ' ' || (SELECT count(*) FROM project_country)
        || ' ' || (SELECT count(*) FROM project_gdc_objective) || ' ' || (SELECT count(*) FROM organization)
        || ' ' || (SELECT count(*) FROM import_batch) || ' ' || (SELECT count(*) FROM project_change)")
    sha=$("$bin" export --db "$db" --format csv | sha256sum | cut -c1-64)
    echo "$counts $sha"
}

# PRAGMA integrity_check, the FTS5 index against its content table, and foreign keys, on a copy
# (the FTS5 check is written as an INSERT).
check_integrity() {
    local db=$1
    rm -f check.db check.db-wal check.db-shm
    cp "$db" check.db
    [[ -f $db-wal ]] && cp "$db-wal" check.db-wal
    local verdict
    verdict=$(sqlite3 check.db "PRAGMA integrity_check; INSERT INTO project_fts(project_fts, rank) VALUES('integrity-check', 1); PRAGMA foreign_key_check;" 2>&1) || true
    rm -f check.db check.db-wal check.db-shm
    [[ $verdict == ok ]] || { echo "$verdict" | head -5; return 1; }
}

sha_of() { sha256sum "$1" | cut -c1-64; }

echo "generating $rows rows and the starting database in $work" >&2
python3 "$root/Fixtures/generate.py" projects --rows "$rows" --seed 11 --style canonical --out big.csv
"$bin" init --db base.db >/dev/null
"$bin" import --quiet --db base.db "$root/Fixtures/projects-sample.csv"
before=$(database_state base.db)

cp base.db after.db
start=$(now_ms)
"$bin" import --quiet --db after.db big.csv
import_ms=$(( $(now_ms) - start ))
after=$(database_state after.db)
[[ $before != "$after" ]] || { echo "the import changed nothing; cannot tell states apart" >&2; exit 1; }
echo "uninterrupted import: ${import_ms} ms" >&2

# --- import ----------------------------------------------------------------------------------
import_killed=0 import_before=0 import_after=0
for ((trial = 1; trial <= trials; trial++)); do
    rm -rf t && mkdir t
    cp base.db t/trial.db
    outcome=$(kill_at_random "$import_ms" "$bin" import --quiet --db t/trial.db --report t/report.json big.csv)
    [[ $outcome == killed ]] && import_killed=$((import_killed + 1))
    if ! check_integrity t/trial.db; then fail "import trial $trial ($outcome): integrity check"; continue; fi
    state=$(database_state t/trial.db)
    if [[ $state == "$before" ]]; then
        import_before=$((import_before + 1))
    elif [[ $state == "$after" ]]; then
        import_after=$((import_after + 1))
    else
        fail "import trial $trial ($outcome): the database is neither the before nor the after state: $state"
    fi
    if [[ -e t/report.json ]] && ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["status"] != "committed")' t/report.json; then
        fail "import trial $trial ($outcome): a partial --report file is visible"
    fi
    leftovers=$(ls -A t | grep -v -E '^(trial\.db(-wal|-shm)?|report\.json)$' || true)
    [[ -z $leftovers ]] || fail "import trial $trial ($outcome): left behind: $leftovers"
done
echo "import: $trials trials, $import_killed killed mid-run; $import_before before-state, $import_after after-state" >&2

# --- export --out ----------------------------------------------------------------------------
"$bin" export --db base.db --out old.csv
"$bin" export --db after.db --out new.csv
old_sha=$(sha_of old.csv)
new_sha=$(sha_of new.csv)
start=$(now_ms)
"$bin" export --db after.db --out timing.csv
export_ms=$(( $(now_ms) - start ))
rm -f timing.csv
echo "uninterrupted export: ${export_ms} ms" >&2
export_killed=0 export_old=0 export_new=0
for ((trial = 1; trial <= trials; trial++)); do
    rm -rf t && mkdir t
    cp -p old.csv t/out.csv
    outcome=$(kill_at_random "$export_ms" "$bin" export --db after.db --out t/out.csv)
    [[ $outcome == killed ]] && export_killed=$((export_killed + 1))
    sha=$(sha_of t/out.csv)
    if [[ $sha == "$old_sha" ]]; then
        export_old=$((export_old + 1))
    elif [[ $sha == "$new_sha" ]]; then
        export_new=$((export_new + 1))
    else
        fail "export trial $trial ($outcome): the target is neither the old nor the new file ($(stat -c %s t/out.csv) bytes)"
    fi
    leftovers=$(ls -A t | grep -v -x 'out.csv' || true)
    [[ -z $leftovers ]] || fail "export trial $trial ($outcome): left behind: $leftovers"
done
echo "export --out: $trials trials, $export_killed killed mid-run; $export_old old file, $export_new new file" >&2

# --- export --bundle -------------------------------------------------------------------------
cat > verify_bundles.py <<'PYTHON'
"""Checks a bundle directory after a killed `export --bundle`; prints the number of hidden entries."""
import csv, hashlib, json, os, re, sys

directory, old_sha, new_sha = sys.argv[1:4]
problems = []
hidden = 0

def rows_in(path, name):
    if name.endswith(".ndjson"):
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1

def check_bundle(name):
    path = os.path.join(directory, name)
    try:
        with open(os.path.join(path, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        problems.append(f"{name}: no readable manifest ({error})")
        return False
    listed = {entry["name"] for entry in manifest["files"]}
    present = set(os.listdir(path)) - {"manifest.json"}
    if listed != present:
        problems.append(f"{name}: manifest lists {sorted(listed)}, directory holds {sorted(present)}")
        return False
    for entry in manifest["files"]:
        file = os.path.join(path, entry["name"])
        with open(file, "rb") as f:
            data = f.read()
        if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"{name}/{entry['name']}: bytes or sha256 differ from the manifest")
            return False
        if rows_in(file, entry["name"]) != entry["rows"]:
            problems.append(f"{name}/{entry['name']}: {rows_in(file, entry['name'])} rows, manifest says {entry['rows']}")
            return False
    return True

complete = set()
for name in sorted(os.listdir(directory)):
    if name.startswith("."):
        hidden += 1
    elif name == "latest":
        continue
    elif re.fullmatch(r"\d{8}T\d{6}Z(-\d+)?", name) and os.path.isdir(os.path.join(directory, name)):
        if check_bundle(name):
            complete.add(name)
    else:
        problems.append(f"unexpected visible entry {name}")

latest = os.path.join(directory, "latest")
if not os.path.islink(latest):
    problems.append("latest is missing or not a symlink")
else:
    target = os.readlink(latest)
    if target not in complete:
        problems.append(f"latest points to {target}, not a complete bundle")
    else:
        with open(os.path.join(latest, "projects.csv"), "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        if sha not in (old_sha, new_sha):
            problems.append("latest/projects.csv is neither the old nor the new export")

for problem in problems:
    print("PROBLEM " + problem)
print(f"hidden {hidden}")
PYTHON

mkdir bundles.start
"$bin" export --db base.db --bundle bundles.start 2>/dev/null
start=$(now_ms)
"$bin" export --db after.db --bundle bundles.timing 2>/dev/null
bundle_ms=$(( $(now_ms) - start ))
rm -rf bundles.timing
echo "uninterrupted bundle: ${bundle_ms} ms" >&2
bundle_killed=0 bundle_old=0 bundle_new=0 bundle_hidden=0
for ((trial = 1; trial <= trials; trial++)); do
    rm -rf t && cp -a bundles.start t
    # The starting bundle and a new one may fall in the same second; either name is fine.
    outcome=$(kill_at_random "$bundle_ms" "$bin" export --db after.db --bundle t)
    [[ $outcome == killed ]] && bundle_killed=$((bundle_killed + 1))
    report=$(python3 verify_bundles.py t "$old_sha" "$new_sha")
    if grep -q '^PROBLEM' <<<"$report"; then
        fail "bundle trial $trial ($outcome): $(grep '^PROBLEM' <<<"$report" | tr '\n' ' ')"
        continue
    fi
    hidden=$(sed -n 's/^hidden //p' <<<"$report")
    bundle_hidden=$((bundle_hidden + hidden))
    if [[ $(sha_of t/latest/projects.csv) == "$new_sha" ]]; then
        bundle_new=$((bundle_new + 1))
    else
        bundle_old=$((bundle_old + 1))
    fi
done
echo "export --bundle: $trials trials, $bundle_killed killed mid-run; latest old $bundle_old, new $bundle_new; hidden temporaries left: $bundle_hidden" >&2

if [[ -n ${KEEP:-} ]]; then echo "work directory kept: $work" >&2; fi
if ((failures > 0)); then
    echo "crash-safety: $failures failure(s)" >&2
    exit 1
fi
echo "crash-safety: OK ($trials trials each of import, export --out and export --bundle)" >&2
