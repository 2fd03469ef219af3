#!/usr/bin/env bash
# jobs.sh - trivial jobs per second through the durable queue (queued in
# PostgreSQL, claimed by the server, run by tdkt-worker over ZeroMQ,
# completed), with 1, 2 and 4 workers, beside what PostgreSQL alone does
# for the same claim and completion in the same run.
#
# Each system run has a server of its own (its own PostgreSQL cluster, fsync
# on, as in production) on loopback: it queues M echo jobs in one statement
# with N workers connected (capacity 16 each) and waits until all are done;
# its rate is M over the span from the jobs' created_at to the last
# finished_at, both the database's own clock. Then, on the last server with
# no worker connected (so it claims nothing), pgbench with C clients claims
# and completes C x T queued jobs with the bare statements: a claim by
# FOR UPDATE SKIP LOCKED in one transaction, the completion in another;
# finished jobs are deleted and the tables vacuumed between those runs.
#
# Why a fresh server per system run: the server's one session caches the
# plans of job_complete (PL/pgSQL). Vacuumed empty, jobs and job_runs look
# empty to the planner, which then plans its primary-key lookups as
# sequential scans and keeps them while the tables fill, so every run after
# the first would slow down as it went. pgbench plans afresh per connection.
# usage: bench/jobs.sh [BUILD_DIR]
# environment: TDKT_BENCH_JOBS (M, default 20000), TDKT_BENCH_PORT,
#   TDKT_BENCH_KEEP=1 keeps the temporary directory with every run's logs
set -euo pipefail

build=${1:-build}
port=${TDKT_BENCH_PORT:-27480}
jobs=${TDKT_BENCH_JOBS:-20000}
timeout_s=120
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

worker_pids=()

jobs_stop_workers() {
	local pid
	for pid in "${worker_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${worker_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	worker_pids=()
}

jobs_cleanup() {
	jobs_stop_workers
	if [ "${TDKT_BENCH_KEEP:-0}" = 1 ]; then
		if [ -n "$server_pid" ]; then
			kill -TERM "$server_pid" 2>/dev/null || true
			wait "$server_pid" || true
		fi
		echo "bench: kept $dir" >&2
	else
		bench_cleanup
	fi
}
trap jobs_cleanup EXIT

psql() {
	"$pgbin/psql" -X -At -v ON_ERROR_STOP=1 \
	    "host=$dir/data/run port=5432 user=tdkt dbname=tdkt" "$@"
}

# Four worker key pairs, made once; runs with fewer use the first N.
for w in 1 2 3 4; do
	"$bin/tdkt-worker" keygen --out "$dir/w$w.key" > "$dir/w$w.pub" 2> /dev/null
done

# A new server with a new cluster, the workers allowed and configured for
# it. The previous one's cluster and log are kept, named after the run it
# served ($used_by), if asked.
used_by=""
fresh_server() {
	local w
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" || true
		server_pid=""
		if [ "${TDKT_BENCH_KEEP:-0}" = 1 ]; then
			mv "$dir/data" "$dir/data.$used_by"
			mv "$dir/server.log" "$dir/server.log.$used_by"
		else
			rm -rf "$dir/data"
		fi
	fi
	bench_start_server
	for w in 1 2 3 4; do
		bench_tdkt worker allow --name "bench-w$w" -- "$(cat "$dir/w$w.pub")" > /dev/null
		cat > "$dir/w$w.yaml" <<YAML
server: "tcp://127.0.0.1:$((port + 1))"
server_public_key: "$server_key"
key_file: "$dir/w$w.key"
name: "bench-w$w"
capacity: 16
log:
  level: warn
YAML
	done
}

workers_connected() {
	bench_tdkt --json ping | sed -n 's/.*"workers_connected":\([0-9]*\).*/\1/p'
}

# Waits until the server counts $1 workers.
wait_workers() {
	for _ in $(seq 1 150); do
		[ "$(workers_connected)" = "$1" ] && return 0
		sleep 0.2
	done
	echo "bench: the server did not see $1 workers; see $dir/server.log" >&2
	return 1
}

# Queues $1 trivial echo jobs (EchoJob{text: "t"}) in one statement; prints
# the first id. The planner's statistics are brought up to date in the same
# transaction: it plans the claim by them (a bitmap scan and a sort of every
# queued job when it believes the table empty), and autovacuum looks only
# once a minute, so without this each run would get whichever plan the
# clock gave it.
enqueue() {
	psql -q -1 -c "SELECT min(job_enqueue('echo', decode('0a0174', 'hex')))
	    FROM generate_series(1, $1)" -c "ANALYZE jobs"
}

# Waits until $2 jobs from id $1 on are done.
wait_done() {
	local n
	for _ in $(seq 1 $((timeout_s * 5))); do
		n=$(psql -c "SELECT count(*) FROM jobs WHERE state = 'done' AND id >= $1")
		[ "$n" -ge "$2" ] && return 0
		sleep 0.2
	done
	echo "bench: only $n of $2 jobs done after ${timeout_s}s; see $dir/server.log" >&2
	psql -c "SELECT state, count(*) FROM jobs WHERE id >= $1 GROUP BY state" >&2
	return 1
}

# Forgets the finished jobs (their runs cascade) so each run starts alike.
reset_queue() {
	psql -q -c "DELETE FROM jobs WHERE state = 'done'" \
	    -c "VACUUM ANALYZE jobs, job_runs"
}

# A system run with $1 workers on the current server: sets rate to its
# jobs per second, and first_ms to the wait from the jobs' creation to the
# first claim (the enqueue's own transaction, then up to a poll tick). Not
# in a subshell, so that the trap knows the workers.
run_workers() {
	local n=$1 first w out
	for w in $(seq 1 "$n"); do
		"$bin/tdkt-worker" -c "$dir/w$w.yaml" 2> "$dir/w$w.log.workers-$n" &
		worker_pids+=("$!")
	done
	wait_workers "$n"
	first=$(enqueue "$jobs")
	wait_done "$first" "$jobs"
	out=$(psql -F ' ' -c "SELECT
	    round(count(*) / extract(epoch FROM max(finished_at) - min(created_at))),
	    round(extract(epoch FROM min(started_at) - min(created_at)) * 1000)
	    FROM jobs WHERE id >= $first")
	read -r rate first_ms <<<"$out"
	jobs_stop_workers
	wait_workers 0
}

# One claim as job_claim makes it and one completion as job_complete does,
# each its own transaction; the job is held between them as a worker holds
# it. Extended protocol, as the server's queries (libpq parameters).
cat > "$dir/claim.sql" <<'SQL'
BEGIN;
WITH next AS (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= now() AND kind = 'echo' ORDER BY priority DESC, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) UPDATE jobs j SET state = 'running', attempts = j.attempts + 1, lease_owner = 'pgbench', lease_holder = 'pgbench', lease_token = md5(random()::text), lease_expires = now() + interval '15 s', started_at = now() FROM next WHERE j.id = next.id RETURNING j.id AS id, j.lease_token AS token \gset
COMMIT;
UPDATE jobs SET state = 'done', result = '\x'::bytea, finished_at = now(), lease_token = NULL, lease_expires = NULL, lease_holder = NULL WHERE id = :id AND lease_token = :token AND state = 'running';
SQL

# pgbench with $1 clients over $1 * T jobs, T so that they are about M in
# all: sets tps to its transactions (claim and completion) per second. Not
# in a subshell, so that a failure stops the script.
run_pgbench() {
	local c=$1 t=$((jobs / $1)) first out finished
	first=$(enqueue $((c * t)))
	out=$("$pgbin/pgbench" -n -M extended -c "$c" -j "$c" -t "$t" \
	    -f "$dir/claim.sql" "host=$dir/data/run port=5432 user=tdkt dbname=tdkt" 2>&1) || {
		echo "bench: pgbench failed:" >&2
		echo "$out" >&2
		return 1
	}
	finished=$(psql -c "SELECT count(*) FROM jobs WHERE state = 'done' AND id >= $first")
	if [ "$finished" -ne $((c * t)) ]; then
		echo "bench: pgbench finished $finished of $((c * t)) jobs" >&2
		return 1
	fi
	tps=$(sed -n 's/^tps = \([0-9]*\)[0-9.]* (without initial connection time)/\1/p' <<<"$out")
	reset_queue
}

fresh_server
echo "machine: $(nproc) cores, $(uname -sr), PostgreSQL $(psql -c 'SHOW server_version' | cut -d' ' -f1), load average $(cut -d' ' -f1 /proc/loadavg) at the start"
echo "jobs_per_run: $jobs"
declare -A sys pg wait_ms
for n in 1 2 4; do
	[ "$n" = 1 ] || fresh_server
	used_by=workers-$n
	run_workers "$n"
	sys[$n]=$rate
	wait_ms[$n]=$first_ms
done
reset_queue
for c in 1 2 4; do
	run_pgbench "$c"
	pg[$c]=$tps
done
best_sys=0
best_pg=0
for n in 1 2 4; do
	echo "workers_${n}_jobs_per_s: ${sys[$n]}"
	echo "workers_${n}_first_claim_ms: ${wait_ms[$n]}"
	echo "pgbench_c${n}_tps: ${pg[$n]}"
	awk -v a="${sys[$n]}" -v b="${pg[$n]}" -v n="$n" \
	    'BEGIN { printf "ratio_workers_%s_to_pgbench_c%s: %.2f\n", n, n, a / b }'
	best_sys=$(awk -v a="$best_sys" -v b="${sys[$n]}" 'BEGIN { print (b > a ? b : a) }')
	best_pg=$(awk -v a="$best_pg" -v b="${pg[$n]}" 'BEGIN { print (b > a ? b : a) }')
done
awk -v a="$best_sys" -v b="$best_pg" \
    'BEGIN { printf "ratio_best_workers_to_best_pgbench: %.2f\n", a / b }'
