#!/usr/bin/env bash
# Load on `convsms serve`'s handset text endpoint: 16 handsets texting at once, one keep-alive
# connection each (16 in all), with ApacheBench (`apt-get install apache2-utils`).
# Usage: tools/serve_load.sh BASE_URL TEXTS_PER_HANDSET   (e.g. http://127.0.0.1:8080 6000)
# Prints requests, wall seconds, requests/s, failures and the worst per-connection p99.
set -u
B=$1; N=$2
work=$(mktemp -d)
cd "$work" || exit 2
echo '{"to":"+14155550100","body":"Hello there"}' > body.json
start=$(date +%s.%N)
pids=()
for h in $(seq 0 15); do
  phone=$(printf "+1415555%04d" $((3000 + h)))
  ab -q -k -n "$N" -c 1 -p body.json -T application/json "$B/api/handsets/$phone/texts" > ab-$h.txt 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
end=$(date +%s.%N)
total=$((N * 16))
fails=$(grep -h "Failed requests\|Non-2xx" ab-*.txt | awk '{s+=$NF} END {print s+0}')
echo "requests=$total wall=$(echo "$end - $start" | bc) req/s=$(echo "$total / ($end - $start)" | bc) failed_or_non2xx=$fails"
grep -h "99%" ab-*.txt | awk '{print $2}' | sort -n | tail -1 | xargs echo "worst per-process p99 ms:"
