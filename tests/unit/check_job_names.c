/*
 * check_job_names.c - unit tests for the Vietnamese names of job states and
 * run outcomes (job_names.c), held against the CHECK constraints of
 * migration 0007: a state or outcome the database allows must never reach
 * an administrator as a bare code, and `tdkt admin jobs --state` must take
 * exactly the states the database has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "job_names.h"

/* Migration 0007, read once per test. */
static char *
names_migration(void)
{
	return testutil_read_source(TDKT_SOURCE_DIR,
	    "server/migrations/0007_jobs.sql");
}

/*
 * Calls `check` with every quoted word of the first "`column` IN (...)"
 * after `marker` in the migration; returns how many there were.
 */
static size_t
names_each_allowed(const char *sql, const char *marker, const char *column,
    void (*check)(const char *))
{
	const char	*at = strstr(sql, marker), *end;
	char		 in[64];
	size_t		 words = 0;

	ck_assert_msg(at != NULL, "no \"%s\" in migration 0007", marker);
	snprintf(in, sizeof in, "CHECK (%s IN (", column);
	at = strstr(at, in);
	ck_assert_msg(at != NULL, "no \"%s\" after \"%s\"", in, marker);
	at += strlen(in);
	end = strchr(at, ')');
	ck_assert_ptr_nonnull(end);
	while ((at = strchr(at, '\'')) != NULL && at < end) {
		char	word[64];
		size_t	len = strcspn(at + 1, "'");

		ck_assert_uint_lt(len, sizeof word);
		memcpy(word, at + 1, len);
		word[len] = '\0';
		check(word);
		words++;
		at += len + 2;
	}
	return words;
}

static void
names_state_named(const char *code)
{
	ck_assert_msg(job_state_known(code), "state \"%s\" is not known", code);
	ck_assert_msg(strcmp(job_state_name(code), code) != 0,
	    "state \"%s\" has no Vietnamese name", code);
}

static void
names_outcome_named(const char *code)
{
	ck_assert_msg(strcmp(job_outcome_name(code), code) != 0,
	    "outcome \"%s\" has no Vietnamese name", code);
}

START_TEST(test_every_state_is_named)
{
	char	*sql = names_migration();
	size_t	 n, listed;

	n = names_each_allowed(sql, "CREATE TABLE jobs (", "state",
	    names_state_named);
	ck_assert_uint_eq(n, 6);
	/* And no state the database does not have. */
	for (listed = 0; job_state_code(listed) != NULL; listed++)
		ck_assert_str_ne(job_state_name(job_state_code(listed)),
		    job_state_code(listed));
	ck_assert_uint_eq(listed, n);
	ck_assert_str_eq(job_state_name("queued"), "đang chờ");
	ck_assert_str_eq(job_state_name("unknown"), "chưa rõ kết quả");
	ck_assert_str_eq(job_state_name("cancelled"), "đã huỷ");
	free(sql);
}
END_TEST

START_TEST(test_every_outcome_is_named)
{
	char	*sql = names_migration();

	ck_assert_uint_eq(names_each_allowed(sql, "CREATE TABLE job_runs (",
	    "outcome", names_outcome_named), 7);
	/* A run without an outcome is still running. */
	ck_assert_str_eq(job_outcome_name(""), "đang chạy");
	ck_assert_str_eq(job_outcome_name("failed"), "thất bại");
	free(sql);
}
END_TEST

START_TEST(test_unknown_codes_pass_through)
{
	ck_assert_str_eq(job_state_name("lost"), "lost");
	ck_assert_str_eq(job_state_name(""), "");
	ck_assert(!job_state_known("bogus"));
	ck_assert(!job_state_known(""));
	ck_assert(!job_state_known("Queued"));
	ck_assert_str_eq(job_outcome_name("stale"), "stale");
	ck_assert_ptr_null(job_state_code(1000));
}
END_TEST

static Suite *
job_names_suite(void)
{
	Suite	*s = suite_create("job_names");
	TCase	*tc = tcase_create("names");

	tcase_add_test(tc, test_every_state_is_named);
	tcase_add_test(tc, test_every_outcome_is_named);
	tcase_add_test(tc, test_unknown_codes_pass_through);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(job_names_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
