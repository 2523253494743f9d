#!/usr/bin/env bash
# Rostra's end-to-end benchmark: validate, insert, hashing and one whole import, on SQLite and PostgreSQL,
# at 10k, 100k and 1M rows (10k and 100k with --quick). Writes bench/results/e2e.md (e2e-quick.md).
# Runs on a fresh Debian machine: installs sqlite3, /usr/bin/time and PostgreSQL when missing.
#
#   ./bench.sh [--quick] [--sqlite-only] [any e2e option, e.g. --repeat 5]
#   ./bench.sh --insert-only [--quick] [--sqlite-only]   only the insert against the raw load -> bench/results/insert.md
#   ./bench.sh --roster [--students 1m] [--updates 100k] [--repeat 3] [--sqlite-only] [--write-only | --plan-only]
#                                                    a sync plan and a write of updates at scale -> bench/results/roster.md
#                                                    (--write-only: the write alone -> bench/work/roster-write.md;
#                                                     --plan-only: the plan and the changes table alone -> bench/work/roster-plan.md)
#   ./bench.sh --workbook [--rows 1m] [--repeat 3]   a workbook validated against the same rows as CSV
#                                                    -> bench/results/workbook.md (SQLite only)
#
# PostgreSQL: ROSTRA_BENCH_PG (an Npgsql connection string to a role that may create databases) when set;
# otherwise scripts/postgres.sh brings up the local server with role rostra/rostra.
set -euo pipefail
cd "$(dirname "$0")"

sizes=10k,100k,1m
out=bench/results/e2e.md
providers=sqlite,postgres
roster=0
extra=()
workbook=0
insert_only=0
roster_out=bench/results/roster.md
for arg in "$@"; do
    case "$arg" in
        --workbook) workbook=1; providers=sqlite ;;
        --quick) sizes=10k,100k; out=bench/results/e2e-quick.md ;;
        --sqlite-only) providers=sqlite ;;
        --roster) roster=1 ;;
        --write-only) roster_out=bench/work/roster-write.md; extra+=("$arg") ;;
        --plan-only) roster_out=bench/work/roster-plan.md; extra+=("$arg") ;;
        --insert-only) insert_only=1; extra+=("$arg") ;;
        *) extra+=("$arg") ;;
    esac
done
if ((insert_only)); then out=bench/results/insert.md; fi

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v sqlite3 >/dev/null || missing+=(sqlite3)
[[ -x /usr/bin/time ]] || missing+=(time)
[[ $providers == *postgres* ]] && ! command -v psql >/dev/null && missing+=(postgresql-client)
if ((${#missing[@]})); then
    echo "bench.sh: installing ${missing[*]}" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ $providers == *postgres* && -z ${ROSTRA_BENCH_PG:-} ]]; then
    if [[ -f scripts/postgres.sh ]]; then
        as_root bash scripts/postgres.sh >&2
    else
        echo "bench.sh: scripts/postgres.sh is missing; set ROSTRA_BENCH_PG or use --sqlite-only" >&2
        exit 2
    fi
fi

bin=bench/work/bin
echo "bench.sh: building (Release)" >&2
dotnet publish src/Rostra -c Release -o "$bin/rostra" --nologo -v quiet >&2
dotnet build bench/Rostra.Benchmarks -c Release -o "$bin/bench" --nologo -v quiet >&2

if ((roster)); then
    exec dotnet "$bin/bench/Rostra.Benchmarks.dll" roster --rostra "$bin/rostra/rostra.dll" --providers "$providers" \
        --work bench/work --out "$roster_out" "${extra[@]}"
fi

if ((workbook)); then
    exec dotnet "$bin/bench/Rostra.Benchmarks.dll" workbook --rostra "$bin/rostra/rostra.dll" --work bench/work "${extra[@]}"
fi

exec dotnet "$bin/bench/Rostra.Benchmarks.dll" e2e \
    --rostra "$bin/rostra/rostra.dll" --sizes "$sizes" --providers "$providers" \
    --work bench/work --out "$out" "${extra[@]}"
