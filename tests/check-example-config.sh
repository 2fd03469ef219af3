#!/bin/sh
# check-example-config.sh - the shipped example configuration must be exactly
# what the program's option table produces, and must pass the program's own
# configuration check.
# usage: check-example-config.sh PROGRAM EXAMPLE_FILE [--no-check]
set -eu
program=$1
example=$2
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
"$program" --example-config > "$generated"
if ! diff -u "$example" "$generated"; then
	echo "$example is out of date; regenerate it with:" >&2
	echo "  $(basename "$program") --example-config > $example" >&2
	exit 1
fi
if [ "${3:-}" != "--no-check" ]; then
	"$program" -n -c "$example"
fi
