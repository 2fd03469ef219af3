#!/usr/bin/env bash
# files.sh - a dossier's documents up and down through the CLI: a 20 MiB
# PDF uploaded in chunks, the same file attached again (stored once, not
# sent), and downloaded and verified; compared with sha256sum reading the
# same file, the floor any verified transfer pays.
# usage: bench/files.sh [BUILD_DIR]
set -euo pipefail

build=${1:-build}
port=${TDKT_BENCH_PORT:-27470}
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_start_server
tdkt() { bench_tdkt "$@"; }
ms() { local s e; s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

tdkt import units "$src/config/demo/q1-units.csv" > /dev/null
tdkt import people "$src/config/demo/q1-people.csv" > /dev/null
tdkt rulebook load "$src/config/rulebooks/q1-2023-2024.yaml" > /dev/null
echo "bench-head-password-1" > "$dir/head.pw"
tdkt user add hieutruong --name "Hiệu trưởng" --unit Q1-TH-DINHTIENHOANG \
    --role head --password-file "$dir/head.pw" > /dev/null
sed "s|$dir/session|$dir/head.session|" "$dir/client.yaml" > "$dir/head.yaml"
as_head() { "$bin/tdkt" --config "$dir/head.yaml" "$@"; }
as_head login hieutruong --password-file "$dir/head.pw" > /dev/null
id=$(as_head --json dossier new --type CUOI_NAM --period 2023-2024 |
    sed 's/.*"dossier_id":\([0-9]*\).*/\1/')

mib=20
{ printf '%%PDF-1.4\n'; head -c $((mib * 1024 * 1024 - 9)) /dev/urandom; } > "$dir/big.pdf"
hash_ms=$(ms sha256sum "$dir/big.pdf")
up_ms=$(ms as_head dossier attach "$id" --document TO_TRINH --pdf "$dir/big.pdf")
again_ms=$(ms as_head dossier attach "$id" --document BIEN_BAN_HD --pdf "$dir/big.pdf")
down_ms=$(ms as_head dossier get-file "$id" --document TO_TRINH --pdf --out "$dir/back.pdf")
cmp -s "$dir/big.pdf" "$dir/back.pdf" || { echo "bench: the download differs" >&2; exit 1; }

rate() { awk -v m="$mib" -v t="$1" 'BEGIN { printf "%.1f", m / (t / 1000) }'; }
echo "file_mib: $mib"
echo "sha256sum_ms: $hash_ms ($(rate "$hash_ms") MiB/s)"
echo "upload_attach_ms: $up_ms ($(rate "$up_ms") MiB/s)"
echo "attach_stored_file_ms: $again_ms (hashed locally, nothing sent)"
echo "download_verify_ms: $down_ms ($(rate "$down_ms") MiB/s)"
awk -v u="$up_ms" -v d="$down_ms" -v h="$hash_ms" 'BEGIN {
	printf "ratio_upload_to_sha256sum: %.2f\nratio_download_to_sha256sum: %.2f\n", h / u, h / d }'
