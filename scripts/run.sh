#!/usr/bin/env bash
# run.sh - `make run`: a whole tdkt system in the foreground.
#
# Initialises the data directory on first use (configuration and a private
# PostgreSQL cluster), starts the server and two workers, writes a client
# configuration and prints what to type next. ^C (or SIGTERM) stops the
# workers, then the server, which stops its PostgreSQL.
# usage: scripts/run.sh BUILD_DIR DATA_DIR
set -euo pipefail

build=${1:-build}
data=${2:-var}
bin="$build/bin"
workers=2

mkdir -p "$data"
data=$(cd "$data" && pwd)
config="$data/tdkt-server.yaml"
client="$data/client.yaml"

if [ ! -f "$config" ]; then
	echo "run: initialising $data"
	"$bin/tdkt-server" init --data-dir "$data"
fi

# The client talks to the endpoint the server listens on.
server_endpoint=$(sed -n 's/^  clients: "\(.*\)"$/\1/p' "$config")
events_endpoint=$(sed -n 's/^  events: "\(.*\)"$/\1/p' "$config")
worker_endpoint=$(sed -n 's/^  workers: "\(.*\)"$/\1/p' "$config")
cat > "$client" <<YAML
# Written by make run for the demo system in $data.
server: "$server_endpoint"
events: "$events_endpoint"
YAML
cat > "$data/worker.yaml" <<YAML
# Written by make run for the demo system in $data.
server: "$worker_endpoint"
YAML

pids=()
stop() {
	trap - INT TERM EXIT
	echo
	echo "run: stopping"
	# Workers first, so they leave cleanly; the server then stops PostgreSQL.
	for pid in "${pids[@]:1}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]:1}"; do wait "$pid" 2>/dev/null || true; done
	kill -TERM "${pids[0]}" 2>/dev/null || true
	wait "${pids[0]}" 2>/dev/null || true
	echo "run: stopped"
	exit 0
}
trap stop INT TERM EXIT

"$bin/tdkt-server" -c "$config" &
pids+=($!)

# Wait until the server answers (it starts PostgreSQL and migrates first).
for _ in $(seq 1 120); do
	if "$bin/tdkt" --config "$client" --timeout 500 ping >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "${pids[0]}" 2>/dev/null; then
		echo "run: the server failed to start; see the messages above" >&2
		exit 1
	fi
	sleep 0.5
done

for i in $(seq 1 $workers); do
	"$bin/tdkt-worker" -c "$data/worker.yaml" &
	pids+=($!)
done

# Demo data arrives here in later steps (rulebooks, units, accounts).

for _ in $(seq 1 40); do
	n=$("$bin/tdkt" --config "$client" --json ping 2>/dev/null |
	    sed -n 's/.*"workers_connected":\([0-9]*\).*/\1/p')
	[ "${n:-0}" -ge "$workers" ] && break
	sleep 0.25
done

cat <<MSG

  tdkt is running: server, its PostgreSQL and $workers workers (data in $data).
  In another terminal, try:

    $bin/tdkt --config $client ping
    $bin/tdkt --config $client echo "Xin chào, Phòng GDĐT Quận 1"

  or set TDKT_CONFIG=$client and leave out --config.
  Press Ctrl-C here to stop everything.

MSG
wait "${pids[0]}"
