#!/usr/bin/env bash
# hierarchy.sh - the unit hierarchy at national size: import time and
# subtree queries, end to end through the CLI and inside PostgreSQL.
#
# Generates a country shaped like Vietnam's after the 2025 reform (a
# ministry, 34 provinces, 98 communes each, 16 schools a commune: 53,312
# schools, 56,679 units), imports it through `tdkt import units`, then times
# `tdkt units --under` for a province and a commune, and the subtree query
# itself with EXPLAIN ANALYZE.
# usage: bench/hierarchy.sh [BUILD_DIR]
set -euo pipefail

build=${1:-build}
port=${TDKT_BENCH_PORT:-27460}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
awk 'BEGIN {
	split("preschool primary lower_secondary upper_secondary", kinds, " ")
	print "code,name,kind,parent"
	print "BGDDT,Bộ Giáo dục và Đào tạo,ministry,"
	for (p = 0; p < 34; p++) {
		printf "S%02d,Sở GDĐT tỉnh %d,department,BGDDT\n", p, p
		for (c = 0; c < 98; c++) {
			printf "S%02d-X%03d,Xã %d tỉnh %d,commune,S%02d\n", p, c, c, p, p
			for (s = 0; s < 16; s++)
				printf "S%02d-X%03d-T%02d,Trường %d xã %d tỉnh %d,%s,S%02d-X%03d\n", p, c, s, s, c, p, kinds[s % 4 + 1], p, c
		}
	}
}' > "$dir/national.csv"

bench_start_server
tdkt() { bench_tdkt "$@"; }

ms() { local s e; s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

echo "units: $(($(wc -l < "$dir/national.csv") - 1))"
echo "import_ms: $(ms tdkt import units "$dir/national.csv")"
echo "units_under_province: $(tdkt --json units --under S07 | wc -l) units in $(ms tdkt --json units --under S07) ms (CLI, end to end)"
echo "units_under_commune: $(tdkt --json units --under S07-X042 | wc -l) units in $(ms tdkt --json units --under S07-X042) ms (CLI, end to end)"
echo "calendar_of_a_school_ms: $(ms tdkt calendar --unit S07-X042-T03)"
echo "all_units: $(ms tdkt --json units) ms (CLI, end to end)"
"$pgbin/psql" -q -h "$dir/data/run" -U tdkt tdkt -c "ANALYZE units" > /dev/null
echo -n "subtree_query_province: "
"$pgbin/psql" -h "$dir/data/run" -U tdkt tdkt -At -c "EXPLAIN ANALYZE SELECT u.code FROM units r JOIN units u ON u.path <@ r.path WHERE r.code = 'S07'" | sed -n 's/^Execution Time: //p'
