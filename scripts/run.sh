#!/usr/bin/env bash
# run.sh - `make run`: a whole tdkt system in the foreground.
#
# Initialises the data directory on first use (configuration and a private
# PostgreSQL cluster), starts the server and two workers, writes a client
# configuration and prints what to type next. ^C (or SIGTERM) stops the
# workers, then the server, which stops its PostgreSQL.
# usage: scripts/run.sh BUILD_DIR DATA_DIR
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
data=${2:-var}
bin="$build/bin"
workers=2

mkdir -p "$data"
data=$(cd "$data" && pwd)

# As root, the server runs PostgreSQL as the user postgres, which must be
# able to reach the data directory: a clone under /root (mode 0700) cannot.
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
	fallback=/var/lib/tdkt-demo
	echo "run: the user postgres cannot reach $data (a parent directory is"
	echo "run: not searchable, e.g. /root); using $fallback instead"
	mkdir -p "$fallback"
	data=$fallback
fi
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
	local status=$1
	trap - INT TERM EXIT
	echo
	echo "run: stopping"
	# Workers first, so they leave cleanly; the server then stops PostgreSQL.
	for pid in "${pids[@]:1}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]:1}"; do wait "$pid" 2>/dev/null || true; done
	kill -TERM "${pids[0]}" 2>/dev/null || true
	wait "${pids[0]}" 2>/dev/null || true
	echo "run: stopped"
	exit "$status"
}
# ^C and SIGTERM are the normal way to stop: exit 0. A server that dies or
# fails to start makes `make run` fail.
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

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

# Demo data: District 1's hierarchy and staff, and its rulebook for
# 2023-2024 (Quảng Nam's too). Loading again changes nothing.
tdkt() { "$bin/tdkt" --config "$client" "$@"; }
tdkt import units "$root/config/demo/q1-units.csv"
tdkt import people "$root/config/demo/q1-people.csv"
tdkt rulebook load "$root/config/rulebooks/q1-2023-2024.yaml"
tdkt rulebook load "$root/config/rulebooks/quangnam-2024.yaml"

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
    $bin/tdkt --config $client units --under PGDDT-Q1 --tree
    $bin/tdkt --config $client rulebook show --issuer PGDDT-Q1
    $bin/tdkt --config $client calendar --unit Q1-TH-DINHTIENHOANG --today 2024-05-20

  or set TDKT_CONFIG=$client and leave out --config.
  Press Ctrl-C here to stop everything.

MSG
wait "${pids[0]}" || exit $?
echo "run: the server stopped by itself" >&2
exit 1
