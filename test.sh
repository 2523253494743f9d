#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine: installs what the tests need (PostgreSQL 15, Chromium,
# sqlite3), starts PostgreSQL, builds, runs all test projects and prints "N passed, N failed, N skipped".
# A skipped test fails the run, as a failed one does.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} …"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash scripts/postgres.sh
export ROSTRA_TEST_PG="${ROSTRA_TEST_PG:-Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build Rostra.slnx -c Release -nologo -clp:ErrorsOnly

results="$(pwd)/TestResults"
rm -rf "$results"
status=0
# Test projects end in "Tests"; tests/Rostra.TestSupport is the library they share, not tests to run.
for project in tests/*/*Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  p=$(count passed); f=$(count failed); t=$(count total)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); total=$((total + ${t:-0}))
done
# Whatever ran but neither passed nor failed (skipped, not run, timed out) counts against the run.
skipped=$((total - passed - failed))
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ] || [ "$skipped" -ne 0 ]; then status=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
