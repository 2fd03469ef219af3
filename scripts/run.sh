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

# DEMO: the administrator's password is kept in a file next to the demo
# data so `make run` can log in again; a real installation prints it once.
if [ ! -f "$config" ]; then
	echo "run: initialising $data"
	head -c 12 /dev/urandom | base64 | tr -d '/+=' > "$data/admin.pw"
	chmod 600 "$data/admin.pw"
	"$bin/tdkt-server" init --data-dir "$data" --admin-password-file "$data/admin.pw"
fi
# A data directory from before keys existed gets one now.
"$bin/tdkt-server" -c "$config" keygen >/dev/null
server_key=$("$bin/tdkt-server" -c "$config" public-key)
[ -f "$data/worker.key" ] || "$bin/tdkt-worker" keygen --out "$data/worker.key" >/dev/null 2>&1
worker_key=$(sed -n 's/^public-key: //p' "$data/worker.key")

# The client talks to the endpoint the server listens on.
server_endpoint=$(sed -n 's/^  clients: "\(.*\)"$/\1/p' "$config")
events_endpoint=$(sed -n 's/^  events: "\(.*\)"$/\1/p' "$config")
worker_endpoint=$(sed -n 's/^  workers: "\(.*\)"$/\1/p' "$config")
cat > "$client" <<YAML
# Written by make run for the demo system in $data.
server: "$server_endpoint"
server_public_key: "$server_key"
session_file: "$data/session-admin"
events: "$events_endpoint"
YAML
cat > "$data/worker.yaml" <<YAML
# Written by make run for the demo system in $data.
server: "$worker_endpoint"
server_public_key: "$server_key"
key_file: "$data/worker.key"
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

# The administrator logs in and admits the demo workers' key.
tdkt() { "$bin/tdkt" --config "$client" "$@"; }
tdkt login admin --password-file "$data/admin.pw" >/dev/null
tdkt worker allow --name "demo workers" -- "$worker_key" >/dev/null

for i in $(seq 1 $workers); do
	"$bin/tdkt-worker" -c "$data/worker.yaml" &
	pids+=($!)
done

# Demo data: District 1's hierarchy and staff, and its rulebook for
# 2023-2024 (Quảng Nam's too). Loading again changes nothing.
tdkt import units "$root/config/demo/q1-units.csv"
tdkt import people "$root/config/demo/q1-people.csv"
tdkt rulebook load "$root/config/rulebooks/q1-2023-2024.yaml"
tdkt rulebook load "$root/config/rulebooks/quangnam-2024.yaml"

# DEMO accounts, one per role, all with the password in demo-accounts.txt;
# each gets a client configuration of its own (client-NAME.yaml).
demo_password="demo-$(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
[ -f "$data/demo.pw" ] || { echo "$demo_password" > "$data/demo.pw"; chmod 600 "$data/demo.pw"; }
demo_accounts="
hieutruong.dth|Nguyễn Thị Hiệu Trưởng (DEMO)|Q1-TH-DINHTIENHOANG|head block_leader
giaovien.dth|Trần Văn Giáo Viên (DEMO)|Q1-TH-DINHTIENHOANG|staff
chuyenvien.th|Lê Thị Chuyên Viên (DEMO)|PGDDT-Q1|specialist:primary
truongphong.q1|Phạm Văn Trưởng Phòng (DEMO)|PGDDT-Q1|office_head
"
new_accounts=0
while IFS='|' read -r user name unit roles; do
	[ -n "$user" ] || continue
	args=()
	for r in $roles; do args+=(--role "$r"); done
	if tdkt user add "$user" --name "$name" --unit "$unit" "${args[@]}" \
	    --password-file "$data/demo.pw" >/dev/null 2>&1; then
		new_accounts=1
	fi
	sed -e "s#session-admin#session-$user#" "$client" > "$data/client-$user.yaml"
done <<< "$demo_accounts"
if [ "$new_accounts" = 1 ]; then
	{
		echo "DEMO accounts (not for real use); password: $(cat "$data/demo.pw")"
		echo "$demo_accounts" | sed -n 's/^\([^|]*\)|\([^|]*\)|\([^|]*\)|\(.*\)$/  \1  \3  \4/p'
	} | tee "$data/demo-accounts.txt"
fi

for _ in $(seq 1 40); do
	n=$("$bin/tdkt" --config "$client" --json ping 2>/dev/null |
	    sed -n 's/.*"workers_connected":\([0-9]*\).*/\1/p')
	[ "${n:-0}" -ge "$workers" ] && break
	sleep 0.25
done

cat <<MSG

  tdkt is running: server, its PostgreSQL and $workers workers (data in $data).
  In another terminal, try:

    $bin/tdkt --config $client whoami        (the administrator, logged in)
    $bin/tdkt --config $data/client-hieutruong.dth.yaml login hieutruong.dth
                                             (a DEMO school head; accounts and
                                             password: $data/demo-accounts.txt)
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
