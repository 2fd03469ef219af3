# shellcheck shell=bash disable=SC2154,SC2034
# lib.sh - what the benchmark scripts share: a throwaway server on loopback.
#
# Source it after setting `build` and `port`; it sets `bin`, `pgbin`, `dir`
# (a temporary directory, removed on exit with the server stopped) and
# provides bench_start_server, which initialises a data directory (its own
# PostgreSQL, fsync on as in production), starts the server and waits
# until it answers, and bench_tdkt, the CLI pointed at it.

bin=$(cd "$build/bin" && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/tdkt-bench.XXXXXX)
chmod 0755 "$dir"	# the postgres user must reach the cluster when we are root
server_pid=""

bench_cleanup() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
	fi
	rm -rf "$dir"
}
trap bench_cleanup EXIT

bench_tdkt() { "$bin/tdkt" --config "$dir/client.yaml" "$@"; }

bench_start_server() {
	cat > "$dir/base.yaml" <<YAML
listen:
  clients: "tcp://127.0.0.1:$port"
  workers: "tcp://127.0.0.1:$((port + 1))"
  events: "tcp://127.0.0.1:$((port + 2))"
log:
  level: warn
YAML
	echo "bench-administrator-password" > "$dir/admin.pw"
	"$bin/tdkt-server" -c "$dir/base.yaml" init --data-dir "$dir/data" \
	    --admin-password-file "$dir/admin.pw" > /dev/null 2>&1
	# Every TCP socket is CURVE: clients need the server's public key.
	server_key=$("$bin/tdkt-server" -c "$dir/data/tdkt-server.yaml" public-key)
	printf 'server: "tcp://127.0.0.1:%s"\nserver_public_key: "%s"\nsession_file: "%s"\ntimeout_ms: 60000\nretries: 0\n' \
	    "$port" "$server_key" "$dir/session" > "$dir/client.yaml"
	"$bin/tdkt-server" -c "$dir/data/tdkt-server.yaml" 2> "$dir/server.log" &
	server_pid=$!
	for _ in $(seq 1 100); do
		if bench_tdkt --timeout 500 ping > /dev/null 2>&1; then
			bench_tdkt login admin --password-file "$dir/admin.pw" > /dev/null
			return 0
		fi
		sleep 0.2
	done
	echo "bench: the server did not start; see $dir/server.log" >&2
	return 1
}
