#!/usr/bin/env bash
# The long proofs of docs/reliability.md, one after the other (about 20-30 minutes on two cores):
#   1. the full fault sweep: a fault at every write of an import, SQLite and PostgreSQL;
#   2. the crash tests, the bad-input corpus, the route matrix and the secrets sentinel;
#   3. fuzzing with AFL++ for FUZZ_SECONDS (default 600);
#   4. the load run with wrk for LOAD_SECONDS (default 60).
# The figures are collected in $REPORT (default /tmp/rostra-reliability) for docs/reliability.md.
# ./test.sh runs the quick versions of 1 and 2 and replays the fuzz corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
report="${REPORT:-/tmp/rostra-reliability}"
rm -rf "$report"; mkdir -p "$report"
bash scripts/postgres.sh
export ROSTRA_TEST_PG="${ROSTRA_TEST_PG:-Host=127.0.0.1;Port=5432;Username=rostra;Password=rostra;Database=postgres}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 ROSTRA_PROOF_REPORT="$report" ROSTRA_PROOF_FULL=1

dotnet build Rostra.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test tests/Rostra.Tests/Rostra.Tests.csproj -c Release --no-build --nologo --filter "FullyQualifiedName~Rostra.Tests.Proofs" \
  --logger "console;verbosity=normal" | tee "$report/proofs.log" | grep -E "^\s+(Passed|Failed) |^\s*\||Peak|searched|routes|requests|compared"
FUZZ_OUT="$report/fuzz" scripts/fuzz.sh "${FUZZ_SECONDS:-600}" | tee "$report/fuzz.txt"
LOAD_OUT="$report/load" scripts/load.sh "${LOAD_SECONDS:-60}" | tee "$report/load.txt"
echo "Figures in $report: faults.txt crashes.txt proofs.log fuzz.txt load.txt"
