#!/bin/sh
# install-deps.sh - installs the Debian 12 packages tdkt needs to build, test
# and run. Idempotent: when everything is present it changes nothing and
# does not touch the network.
set -eu

PACKAGES="
	cmake
	gcc
	make
	pkg-config
	check
	libcurl4-openssl-dev
	libpq-dev
	libprotobuf-c-dev
	libqpdf-dev
	libsodium-dev
	libyaml-dev
	libzmq3-dev
	postgresql
	protobuf-c-compiler
	python3
	python3-aiosmtpd
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run this script as root, or install them yourself" >&2
	exit 1
fi
echo "install-deps: installing$missing"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
