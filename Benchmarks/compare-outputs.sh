#!/usr/bin/env bash
# Proves that a change keeps standard output byte-identical: runs two stocktake binaries (before and
# after) on the same databases — the sample and a generated set — through every export format, every
# find format, stats (counts and shares), show, ref, schema, imports, migrate --status, sql and report,
# and refused formats, and compares standard output and exit status of each command.
#
# Usage: Benchmarks/compare-outputs.sh BEFORE_BINARY AFTER_BINARY [ROWS]   (ROWS default 100000)
# Prints one line per differing command (and a diff excerpt); exits 1 when any differs.
# Commands whose output is expected to change can be listed in $COMPARE_EXPECTED (a regex matched
# against the command line); they are reported as "expected" instead of failing.
set -uo pipefail
before=$1
after=$2
rows=${3:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
generated="$root/Benchmarks/data/compare-$rows.csv"
mkdir -p "$root/Benchmarks/data"
[ -f "$generated" ] || python3 "$root/Fixtures/generate.py" projects --rows "$rows" --style canonical --out "$generated"

# One database per data set, built by the BEFORE binary and copied, so both binaries read the same bytes.
"$before" --db "$work/sample.db" import "$root/Fixtures/projects-sample.csv" >/dev/null
"$before" --db "$work/sample.db" import --kind prizes "$root/Fixtures/prizes-sample.csv" >/dev/null
"$before" --db "$work/generated.db" import "$generated" >/dev/null
# A second batch that changes rows, and a deletion, so --since-batch, tombstones and show's history have content.
python3 "$root/Fixtures/generate.py" projects --rows 2000 --seed 2026 --style canonical --out "$work/changed.csv"
"$before" --db "$work/generated.db" import "$work/changed.csv" >/dev/null
"$before" --db "$work/generated.db" delete WSIS-0000000007 >/dev/null

commands=()
for format in csv tsv json ndjson; do
    commands+=("export --format $format" "export --format $format --kind prizes" "export --format $format --kind organizations")
done
commands+=("export --format json --labels" "export --format ndjson --labels" "export --format csv --bom --excel-safe"
    "export --format csv --since-batch 1" "export --format csv --action-line C5 --region AFR" "export --format json --sdg 4 --labels"
    "export --format csv --kind prizes --prize winner" "export --format tsv --no-header" "export --kind imports --format csv")
for format in table csv tsv json ndjson markdown; do
    commands+=("find --format $format --limit 300" "find --format $format --columns all --limit 300"
        "find --format $format --columns all --search health --limit 50" "stats --format $format --by action-line"
        "stats --format $format --matrix" "ref action-lines --format $format"
        "stats --format $format --by region --share" "ref countries --format $format" "ref regions --format $format"
        "imports show 1 --format $format" "migrate --status --format $format"
        "sql --format $format \"SELECT 1.5 AS r, x'00ff' AS b, NULL AS n, 'a|b<i>' AS t, -7 AS i\"")
done
commands+=("find --count" "find --format csv --columns all" "find --format csv --region AFR --sdg 3 --action-line C7"
    "find --format csv --columns external_id,snippet --search education" "find --format csv --no-header --columns external_id"
    "stats --format csv --by region --by sdg" "stats --format csv --by year" "schema" "imports --format csv" "check"
    "sql --format csv 'SELECT count(*), min(title) FROM project'" "sql --format json 'SELECT * FROM action_line'"
    "stats --format table --matrix --share" "export --format table" "export --format markdown" "find --format xml"
    "find --format tsv --no-header --columns external_id,sdgs,countries --limit 20")

differences=0
for db in sample generated; do
    ids=$("$before" --db "$work/$db.db" find --format tsv --no-header --columns external_id --limit 3)
    set -- "${commands[@]}"
    all=("$@")
    for id in $ids; do all+=("show $id" "show $id --format json"); done
    all+=("report --format markdown" "report --format html")
    for command in "${all[@]}"; do
        eval "COLUMNS=100 \"$before\" --db \"$work/$db.db\" $command" >"$work/before.out" 2>/dev/null
        before_status=$?
        eval "COLUMNS=100 \"$after\" --db \"$work/$db.db\" $command" >"$work/after.out" 2>/dev/null
        after_status=$?
        # The report prints the time it was generated; drop that line from both.
        if [[ $command == report* ]]; then
            sed -i -E '/[Gg]enerated|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}/d' "$work/before.out" "$work/after.out"
        fi
        if [ "$before_status" != "$after_status" ] || ! cmp -s "$work/before.out" "$work/after.out"; then
            if [ -n "${COMPARE_EXPECTED:-}" ] && [[ $command =~ $COMPARE_EXPECTED ]]; then
                echo "expected difference [$db] $command"
                continue
            fi
            differences=$((differences + 1))
            echo "DIFFERS [$db] $command (exit $before_status → $after_status)"
            diff "$work/before.out" "$work/after.out" | head -6
        fi
    done
done
if [ "$differences" -gt 0 ]; then
    echo "$differences command(s) differ"
    exit 1
fi
echo "standard output and exit status identical for every command on both data sets"
