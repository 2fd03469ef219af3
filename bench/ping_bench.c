/*
 * ping_bench.c - ping round trips per second through tdkt-server.
 *
 * Each of N threads opens its own connection (the client library, as the CLI
 * uses it) and sends pings back to back for the given time; every ping is a
 * real round trip client -> server -> PostgreSQL -> server -> client. Prints
 * the rate and latency percentiles, one "key: value" per line so scripts can
 * pick them up.
 *
 * usage: tdkt-bench-ping -s ENDPOINT [-c CONNECTIONS] [-d SECONDS]
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "conn.h"
#include "log.h"
#include "xmalloc.h"

#define BENCH_MAX_SAMPLES	(1 << 22)

struct bench_thread {
	pthread_t	 thread;
	const char	*endpoint;
	const char	*server_key;	/* CURVE, for a tcp:// endpoint */
	int64_t		 until_ms;
	uint64_t	 ok;
	uint64_t	 failed;
	uint32_t	*latency_us;	/* one per successful ping, up to the cap */
	size_t		 nsamples;
};

static void *
bench_thread_main(void *arg)
{
	struct bench_thread	*t = arg;
	struct conn_options	 opts = {
		.endpoint = t->endpoint, .server_public_key = t->server_key,
		.timeout_ms = 5000, .retries = 0,
		.max_message_bytes = 1 << 20,
	};
	struct conn		*conn = conn_new(&opts);
	struct arena		*a = arena_new(1 << 20);
	struct timespec		 t0, t1;

	t->latency_us = xcalloc(BENCH_MAX_SAMPLES, sizeof *t->latency_us);
	while (clock_monotonic_ms() < t->until_ms) {
		Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
		Tdkt__PingRequest	 ping = TDKT__PING_REQUEST__INIT;
		Tdkt__ClientEnvelope	*reply;
		const char		*cause;

		req.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
		req.ping_request = &ping;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (conn_call(conn, &req, a, &reply, &cause) != CONN_OK) {
			t->failed++;
			arena_reset(a);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		t->ok++;
		if (t->nsamples < BENCH_MAX_SAMPLES)
			t->latency_us[t->nsamples++] = (uint32_t)
			    ((t1.tv_sec - t0.tv_sec) * 1000000 +
			    (t1.tv_nsec - t0.tv_nsec) / 1000);
		arena_reset(a);
	}
	arena_free(&a);
	conn_free(&conn);
	return NULL;
}

static int
bench_compare_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char		*endpoint = "tcp://127.0.0.1:7450";
	const char		*server_key = "";
	int			 nthreads = 1, seconds = 5, ch;
	struct bench_thread	*threads;
	uint64_t		 ok = 0, failed = 0;
	uint32_t		*all;
	size_t			 n = 0;
	int64_t			 started, elapsed;

	log_init("tdkt-bench-ping", LOG_LEVEL_WARN);
	while ((ch = getopt(argc, argv, "s:k:c:d:")) != -1) {
		switch (ch) {
		case 's':
			endpoint = optarg;
			break;
		case 'k':
			server_key = optarg;
			break;
		case 'c':
			nthreads = atoi(optarg);
			break;
		case 'd':
			seconds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: tdkt-bench-ping -s ENDPOINT "
			    "[-k SERVER-PUBLIC-KEY] [-c CONNECTIONS] [-d SECONDS]\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 256 || seconds < 1 || seconds > 3600) {
		fprintf(stderr, "tdkt-bench-ping: connections must be 1-256 and "
		    "seconds 1-3600\n");
		return 2;
	}

	threads = xcalloc((size_t)nthreads, sizeof *threads);
	started = clock_monotonic_ms();
	for (int i = 0; i < nthreads; i++) {
		threads[i].endpoint = endpoint;
		threads[i].server_key = server_key;
		threads[i].until_ms = started + seconds * 1000;
		if (pthread_create(&threads[i].thread, NULL, bench_thread_main,
		    &threads[i]) != 0)
			fatalx("could not start a benchmark thread");
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(threads[i].thread, NULL);
		ok += threads[i].ok;
		failed += threads[i].failed;
		n += threads[i].nsamples;
	}
	elapsed = clock_monotonic_ms() - started;

	all = xcalloc(n > 0 ? n : 1, sizeof *all);
	n = 0;
	for (int i = 0; i < nthreads; i++) {
		memcpy(all + n, threads[i].latency_us,
		    threads[i].nsamples * sizeof *all);
		n += threads[i].nsamples;
		free(threads[i].latency_us);
	}
	qsort(all, n, sizeof *all, bench_compare_u32);

	printf("connections: %d\n", nthreads);
	printf("seconds: %.2f\n", (double)elapsed / 1000.0);
	printf("pings: %llu\n", (unsigned long long)ok);
	printf("failed: %llu\n", (unsigned long long)failed);
	printf("pings_per_second: %.0f\n", (double)ok * 1000.0 / (double)elapsed);
	if (n > 0) {
		printf("latency_p50_us: %u\n", all[n / 2]);
		printf("latency_p99_us: %u\n", all[n * 99 / 100]);
	}
	free(all);
	free(threads);
	return failed > 0 ? 1 : 0;
}
