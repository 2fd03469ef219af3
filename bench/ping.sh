#!/usr/bin/env bash
# ping.sh - ping round trips per second through tdkt-server, beside what
# PostgreSQL alone does for the same query, in the same run.
#
# Starts a throwaway server (its own PostgreSQL cluster, fsync on, as in
# production) on loopback, measures `tdkt-bench-ping` at several numbers of
# concurrent connections, then runs pgbench with the same query ping makes
# and the same concurrency straight against the same cluster, and prints
# both rates and their ratio.
# usage: bench/ping.sh [BUILD_DIR] [SECONDS]
set -euo pipefail

build=${1:-build}
seconds=${2:-5}
port=${TDKT_BENCH_PORT:-27450}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_start_server

# The query ping makes (server/db_status.c).
cat > "$dir/ping.sql" <<'SQL'
SELECT coalesce(max(version), 0), coalesce((SELECT value FROM meta WHERE key = 'installation_id'), '') FROM schema_migrations;
SQL

echo "machine: $(nproc) cores, $(uname -sr)"
echo "duration per run: ${seconds}s"
printf '%-12s %14s %14s %14s %8s\n' connections "tdkt ping/s" "p99 latency" "pgbench tps" ratio
for c in 1 4 16; do
	out=$("$bin/tdkt-bench-ping" -s "tcp://127.0.0.1:$port" -k "$server_key" -c "$c" -d "$seconds")
	rate=$(sed -n 's/^pings_per_second: //p' <<<"$out")
	p99=$(sed -n 's/^latency_p99_us: //p' <<<"$out")
	tps=$("$pgbin/pgbench" -n -h "$dir/data/run" -p 5432 -U tdkt -c "$c" \
	    -j "$(( c < 2 ? c : 2 ))" -T "$seconds" -f "$dir/ping.sql" tdkt 2>/dev/null |
	    sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
	ratio=$(awk -v a="$rate" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')
	printf '%-12s %14s %12s us %14.0f %8s\n' "$c" "$rate" "$p99" "$tps" "$ratio"
done
