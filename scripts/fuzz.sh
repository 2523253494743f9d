#!/usr/bin/env bash
# Fuzzes reading and validation with AFL++ through SharpFuzz for SECONDS (default 300): builds fuzz/Rostra.Fuzz,
# instruments Rostra.Core.dll, runs afl-fuzz on a copy of fuzz/corpus, then prints executions and findings.
# Needs afl-fuzz (Debian: apt-get install afl++). Findings stay in $FUZZ_OUT (default /tmp/rostra-fuzz); replay one with
#   dotnet /tmp/rostra-fuzz/bin/rostra-fuzz.dll FILE
# and copy what it teaches into fuzz/corpus once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
out="${FUZZ_OUT:-/tmp/rostra-fuzz}"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
tools="$out/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi
rm -rf "$out/bin" "$out/findings"
dotnet build fuzz/Rostra.Fuzz/Rostra.Fuzz.csproj -c Release -nologo -clp:ErrorsOnly -o "$out/bin"
"$tools/sharpfuzz" "$out/bin/Rostra.Core.dll"

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
afl-fuzz -i fuzz/corpus -o "$out/findings" -V "$seconds" -t 10000 -m none -- dotnet "$out/bin/rostra-fuzz.dll" >"$out/afl.log" 2>&1 || {
  tail -n 30 "$out/afl.log" >&2; exit 3; }

stats="$out/findings/default/fuzzer_stats"
execs=$(sed -n 's/^execs_done *: *//p' "$stats")
paths=$(sed -n 's/^corpus_count *: *//p' "$stats")
crashes=$(find "$out/findings/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$out/findings/default/hangs" -type f -name 'id:*' | wc -l)
echo "fuzz: ${seconds}s, ${execs} executions, ${paths} inputs in the queue, ${crashes} crashes, ${hangs} hangs (findings in $out/findings)"
[ "$crashes" -eq 0 ]
