#!/usr/bin/env bash
# Load proof (docs/reliability.md): while one district's 1,000,000-row file validates and another district's import
# hashes, 20 concurrent users of a third district browse its pages; wrk (Debian: apt-get install wrk) measures the
# page latencies on loopback. Prints p50/p99 and what the two imports were doing before and after.
#   scripts/load.sh [SECONDS]      (default 60; everything lives in $LOAD_OUT, default /tmp/rostra-load)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out="${LOAD_OUT:-/tmp/rostra-load}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf "$out"; mkdir -p "$out"
dotnet build src/Rostra/Rostra.csproj -c Release -nologo -clp:ErrorsOnly -o "$out/bin" >/dev/null
db="$out/rostra.db"
rostra() { dotnet "$out/bin/rostra.dll" --db "$db" "$@"; }

for d in big hash browse; do
  rostra district add "$d-usd" --name "District $d" >/dev/null
  rostra program add reading --district "$d-usd" --name "Reading" >/dev/null
  rostra school add "S$d" --district "$d-usd" --name "Lincoln Elementary" --grades K-5 >/dev/null
  ROSTRA_PASSWORD='Admin-Pass-1234!' rostra admin add "admin.$d" --district "$d-usd" >/dev/null
done
big_token=$(rostra token add --user admin.big)
hash_token=$(rostra token add --user admin.hash)
browse_token=$(rostra token add --user admin.browse)

# The browsing district has users and history to page through.
python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
header = "First Name,Last Name,Username,Password,Grade,School ID,Email\r\n"
def write(name, district, school, count, prefix):
    with open(f"{out}/{name}", "w", newline="") as f:
        f.write(header)
        for i in range(1, count + 1):
            f.write(f"Ann{i},Lee{i % 97},{prefix}{i}.{district},Secret-Pass{i}!,{1 + i % 5},{school},\r\n")
write("browse.csv", "browse", "Sbrowse", 2000, "b")
write("hash.csv", "hash", "Shash", 20000, "h")
write("big.csv", "big", "Sbig", 1000000, "g")
PY
ROSTRA_HASH_ITERATIONS=1 ROSTRA_HASH_MEMORY_KIB=8 rostra import "$out/browse.csv" --district browse-usd --type student >/dev/null

port=5199
ROSTRA_MAX_FILE_BYTES=209715200 dotnet "$out/bin/rostra.dll" --db "$db" serve --urls "http://127.0.0.1:$port" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.5; done
base="http://127.0.0.1:$port"

upload() { curl -sf -H "Authorization: Bearer $1" -F type=student -F "file=@$2;type=text/csv" "$base/api/imports" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
status() { curl -sf -H "Authorization: Bearer $1" "$base/api/imports/$2" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["status"], v.get("step"), v.get("processedRows"), v.get("hashedRows"))'; }

cat >"$out/browse.lua" <<LUA
local pages = { "/programs/reading/users", "/programs/reading/imports", "/programs/reading/schools",
                "/programs/reading/import", "/", "/api/users?limit=50", "/api/imports" }
local i = 0
wrk.headers["Authorization"] = "Bearer $browse_token"
request = function()
  i = i + 1
  return wrk.format("GET", pages[(i % #pages) + 1])
end
LUA
# The same-run baseline: the same browsing with no import running.
wrk -t 2 -c 20 -d "${seconds}s" --timeout 10s --latency -s "$out/browse.lua" "$base" >"$out/wrk-alone.txt"

hash_id=$(upload "$hash_token" "$out/hash.csv")
until [ "$(status "$hash_token" "$hash_id" | cut -d' ' -f1)" = valid ]; do sleep 0.5; done
curl -sf -X POST -H "Authorization: Bearer $hash_token" "$base/api/imports/$hash_id/confirm" >/dev/null
big_id=$(upload "$big_token" "$out/big.csv")
sleep 2
before_big=$(status "$big_token" "$big_id"); before_hash=$(status "$hash_token" "$hash_id")

wrk -t 2 -c 20 -d "${seconds}s" --timeout 10s --latency -s "$out/browse.lua" "$base" | tee "$out/wrk.txt"
after_big=$(status "$big_token" "$big_id"); after_hash=$(status "$hash_token" "$hash_id")

p50=$(awk '/^ +50%/ {print $2}' "$out/wrk.txt"); p99=$(awk '/^ +99%/ {print $2}' "$out/wrk.txt")
a50=$(awk '/^ +50%/ {print $2}' "$out/wrk-alone.txt"); a99=$(awk '/^ +99%/ {print $2}' "$out/wrk-alone.txt")
chunks=$(grep -c 'hashed by' "$out/serve.log" || true)
echo "big import (1,000,000 rows): before [$before_big] after [$after_big]"
echo "hashing import (20,000 rows): before [$before_hash] after [$after_hash]"
echo "load: 20 users, ${seconds}s, page p50 $p50, p99 $p99 ($(awk '/^Requests\/sec/ {print $2}' "$out/wrk.txt") req/s)"
echo "same-run baseline, no import running: page p50 $a50, p99 $a99 ($(awk '/^Requests\/sec/ {print $2}' "$out/wrk-alone.txt") req/s)"
echo "chunks hashed in the whole run: $chunks; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
