# Makefile - the two commands a newcomer needs, and a few more.
#
#   make run    install what is missing, build, start a demo system in the
#               foreground (server, its own PostgreSQL, two workers); ^C stops all
#   make test   install what is missing, build with -Werror, ASan and UBSan, run ctest
#
# Both work on a fresh Debian 12 machine (as root, or with sudo).

BUILD		?= build
TEST_BUILD	?= build-asan
DATA_DIR	?= var
JOBS		?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all run test deps build build-test bench clean

all: build

deps:
	./deploy/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

run: build
	./scripts/run.sh "$(BUILD)" "$(DATA_DIR)"

build-test: deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTDKT_SANITIZE=ON \
	    -DTDKT_TEST_CLOCK=ON
	cmake --build $(TEST_BUILD) -j$(JOBS)

test: build-test
	cd $(TEST_BUILD) && ctest --output-on-failure

bench: build
	./bench/ping.sh $(BUILD)
	./bench/hierarchy.sh $(BUILD)
	./bench/files.sh $(BUILD)
	./bench/jobs.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(TEST_BUILD)
