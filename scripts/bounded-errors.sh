#!/usr/bin/env bash
# Errors without bounds (docs/reliability.md, issue item 5): a 13 MB file of 1,000,000 bad rows uploaded to a running
# server on a fresh SQLite file. Measures the time to its final status, the errors kept and counted, the SQLite file's
# growth (database + WAL), the server's peak memory (VmHWM) and /healthz latency while it validates, against /healthz
# before the upload and the server's memory when idle (baselines of the same run).
#
#   scripts/bounded-errors.sh [ROWS]        # default 1000000; needs a Release build of src/Rostra
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
dll=${ROSTRA_DLL:-src/Rostra/bin/Release/net10.0/rostra.dll}
[[ -f $dll ]] || { echo "bounded-errors.sh: build first (dotnet build src/Rostra -c Release)" >&2; exit 2; }
work=$(mktemp -d /tmp/rostra-bounded-XXXXXX)
port=${PORT:-5187}
server=""
trap '[[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export ROSTRA_DB="$work/rostra.db" ROSTRA_PASSWORD="Bounded-Errors-1!"
rostra() { dotnet "$dll" "$@"; }

curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && { echo "bounded-errors.sh: port $port is in use (set PORT)" >&2; exit 2; }
rostra db migrate >/dev/null
rostra district add bounded-usd --name "Bounded Unified" >/dev/null
rostra program add reading --district bounded-usd --name "Reading" >/dev/null
rostra school add 1001 --district bounded-usd --name "Lincoln Elementary" --grades K-5 >/dev/null
rostra admin add admin.bounded --district bounded-usd >/dev/null
token=$(rostra token add --user admin.bounded --name bounded | grep -oE '[A-Za-z0-9_-]{30,}' | head -n1)

# Every row wrong in each of its seven fields: 13 bytes a row, as the file of the report.
file="$work/bad.csv"
{
    printf 'First Name,Last Name,Username,Password,Grade,School ID,Email\r\n'
    awk -v n="$rows" 'BEGIN { for (i = 0; i < n; i++) printf "\001,,x,y,Z,9,@\r\n" }'
} > "$file"
bytes=$(stat -c %s "$file")

dotnet "$dll" serve --urls "http://127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
sqlite_bytes() { du -cb "$work"/rostra.db* | tail -n1 | cut -f1; }
db_before=$(sqlite_bytes)
rss_idle=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

# /healthz latency in ms, one probe every 200 ms, into $1 until $2 exists.
probe() {
    local out=$1 stop=$2
    : > "$out"
    while [[ ! -e $stop ]]; do
        curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/healthz" | awk '{printf "%.0f\n", $1 * 1000}' >> "$out"
        sleep 0.2
    done
}
stats() { sort -n "$1" | awk '{a[NR] = $1} END { if (NR == 0) { print "n/a"; exit } printf "p50 %d ms, p99 %d ms, max %d ms (%d probes)", a[int((NR + 1) / 2)], a[int(NR * 0.99 + 0.999)], a[NR], NR }'; }

touch "$work/stop-idle"; rm "$work/stop-idle"
( sleep 5; touch "$work/stop-idle" ) &
probe "$work/idle.txt" "$work/stop-idle"

start=$(date +%s.%N)
probe "$work/during.txt" "$work/stop" &
prober=$!
id=$(curl -fs -H "Authorization: Bearer $token" -F type=student -F "file=@$file;filename=bad.csv" \
    "http://127.0.0.1:$port/api/imports" | sed -E 's/.*"id":"([^"]+)".*/\1/')
while :; do
    status=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/imports/$id" | sed -E 's/.*"status":"([^"]+)".*/\1/')
    [[ $status == invalid || $status == failed || $status == valid ]] && break
    sleep 0.5
done
end=$(date +%s.%N)
touch "$work/stop"; wait "$prober"
db_after=$(sqlite_bytes)
rss_peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
errors=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/imports/$id/errors?limit=5")
small=$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/imports/$id/errors?limit=5")

echo "rows: $rows ($((bytes / 1024 / 1024)) MiB file); final status: $status"
awk -v s="$start" -v e="$end" 'BEGIN { printf "upload to final status: %.1f s\n", e - s }'
echo "errors: $(echo "$errors" | grep -oE '"total":[0-9]+' | head -n1), first page of 5: $small bytes"
echo "SQLite file (db + WAL): $((db_before / 1024)) KiB before, $((db_after / 1024)) KiB after: grew $(((db_after - db_before) / 1024 / 1024)) MiB"
echo "server memory: $((rss_idle / 1024)) MiB idle, peak $((rss_peak / 1024)) MiB"
echo "/healthz idle:   $(stats "$work/idle.txt")"
echo "/healthz during: $(stats "$work/during.txt")"
