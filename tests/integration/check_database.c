/*
 * check_database.c - the server's two kinds of PostgreSQL.
 *
 * With database.url the server uses a cluster someone else runs (here a
 * throwaway one the harness starts): `migrate` brings its schema up to date
 * and is idempotent, and the server starts no cluster of its own. Without
 * it, the server runs a private cluster under its data directory, which
 * must be gone when the server has stopped; `init` refuses a data directory
 * that is already initialised.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct harness	*h;

static void
database_teardown(void)
{
	harness_free(&h);
}

/*
 * Runs `tdkt-server -c config migrate` and returns the schema version it
 * prints; the first run must apply the migrations, later ones nothing.
 */
static unsigned
database_migrate(const char *config, bool first)
{
	struct harness_output	out;
	unsigned		version = 0;
	char			end = 0;

	ck_assert_msg(harness_run(h, &out, "tdkt-server", "-c", config,
	    "migrate", NULL) == 0, "migrate exited %d: %s", out.code, out.err);
	ck_assert_msg(sscanf(out.out, "schema version %u%c", &version,
	    &end) == 2 && end == '\n', "unexpected output: %s", out.out);
	ck_assert_uint_ge(version, 1);
	if (first)
		ck_assert_msg(strstr(out.err, "applied migration 0001_meta") !=
		    NULL, "the first migrate applied nothing: %s", out.err);
	else
		ck_assert_msg(strstr(out.err, "applied migration") == NULL,
		    "a second migrate applied something again: %s", out.err);
	harness_output_clear(&out);
	return version;
}

START_TEST(test_external_database)
{
	struct harness_pong	 pong;
	const char		*url, *config, *nodata;
	unsigned		 version;
	struct stat		 st;

	h = harness_new();
	url = harness_extpg_start(h);
	nodata = harness_path(h, "nodata");
	harness_server_set(h, "database.url", url);
	harness_server_set(h, "data_dir", nodata);
	config = harness_server_config(h, "external.yaml");

	version = database_migrate(config, true);
	ck_assert_uint_eq(database_migrate(config, false), version);

	harness_server_start(h, config);
	ck_assert_int_eq(harness_ping(h, &pong), 0);
	ck_assert_uint_eq(pong.schema_version, version);
	ck_assert_str_ne(pong.postgres_version, "");
	ck_assert_uint_eq(strlen(pong.installation_id), 36);
	/* No cluster of its own: nothing under data_dir, nothing started. */
	ck_assert_int_eq(stat(nodata, &st), -1);
	ck_assert(!harness_log_contains(h, h->server, "embedded PostgreSQL"));

	ck_assert_int_eq(harness_server_stop(h), 0);
	ck_assert_int_eq(harness_extpg_stop(h), 0);
}
END_TEST

/* True if a process runs with `dir` on its command line. */
static bool
database_process_uses(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	bool		 found = false;

	if ((d = opendir("/proc")) == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		char	 path[300], *cmdline;
		size_t	 len;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		if ((cmdline = harness_read_file(path, &len)) == NULL)
			continue;
		/* NUL-separated arguments: look at each. */
		for (size_t i = 0; i < len; i += strlen(cmdline + i) + 1)
			found = found || strstr(cmdline + i, dir) != NULL;
		free(cmdline);
	}
	closedir(d);
	return found;
}

START_TEST(test_embedded_cluster)
{
	struct harness_output	 out;
	const char		*pidfile, *cluster, *saved;
	char			*text, *config;
	long			 postmaster;
	struct stat		 st;

	h = harness_new();
	harness_start(h, 0);
	cluster = harness_path(h, "data/pg");
	pidfile = harness_path(h, "data/pg/postmaster.pid");

	/* While the server runs, so does its cluster. */
	ck_assert_ptr_nonnull(text = harness_read_file(pidfile, NULL));
	ck_assert_int_eq(sscanf(text, "%ld", &postmaster), 1);
	free(text);
	ck_assert_int_eq(kill((pid_t)postmaster, 0), 0);
	ck_assert(database_process_uses(cluster));

	/* After SIGTERM, it is gone. */
	ck_assert_int_eq(harness_server_stop(h), 0);
	ck_assert_int_eq(stat(pidfile, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(kill((pid_t)postmaster, 0), -1);
	ck_assert(!database_process_uses(cluster));

	/* init refuses an initialised data directory and leaves it alone. */
	config = harness_read_file(h->server_config, NULL);
	ck_assert_ptr_nonnull(config);
	harness_run(h, &out, "tdkt-server", "-c", harness_path(h, "base.yaml"),
	    "init", "--data-dir", h->data_dir, NULL);
	ck_assert_int_eq(out.code, 1);
	ck_assert_msg(strstr(out.err, "already initialised") != NULL,
	    "no reason given: %s", out.err);
	ck_assert_str_eq(out.out, "");
	harness_output_clear(&out);
	text = harness_read_file(h->server_config, NULL);
	ck_assert_str_eq(text, config);
	free(text);
	free(config);

	/*
	 * Only the cluster left (an init that failed after initdb): init
	 * carries on from there instead of leaving a dead end.
	 */
	saved = harness_path(h, "tdkt-server.yaml.saved");
	ck_assert_int_eq(rename(h->server_config, saved), 0);
	harness_run(h, &out, "tdkt-server", "-c", harness_path(h, "base.yaml"),
	    "init", "--data-dir", h->data_dir, NULL);
	ck_assert_msg(out.code == 0, "init did not resume: %s", out.err);
	ck_assert(strstr(out.out, "initialised") != NULL);
	harness_output_clear(&out);
	ck_assert_int_eq(stat(h->server_config, &st), 0);
	ck_assert(!database_process_uses(cluster));

	/* And the cluster still works. */
	harness_server_start(h, NULL);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

static Suite *
database_suite(void)
{
	Suite	*s = suite_create("database");
	TCase	*tc;

	tc = tcase_create("external");
	tcase_add_checked_fixture(tc, NULL, database_teardown);
	tcase_add_test(tc, test_external_database);
	suite_add_tcase(s, tc);

	tc = tcase_create("embedded");
	tcase_add_checked_fixture(tc, NULL, database_teardown);
	tcase_add_test(tc, test_embedded_cluster);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return harness_main(database_suite);
}
