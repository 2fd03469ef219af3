/*
 * check_dossier_names.c - unit tests for the Vietnamese names of dossier
 * states, actions and slots (dossier_names.c), held against the state
 * machine in migration 0006: a state or action the database knows must
 * never reach a person as a bare code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "dossier_names.h"

/* Migration 0006, read once per test. */
static char *
names_migration(void)
{
	return testutil_read_source(TDKT_SOURCE_DIR,
	    "server/migrations/0006_dossiers.sql");
}

/*
 * Calls `check` with the n-th quoted word of every "\t('...', ...)" row of
 * the INSERT that follows `marker` in the migration.
 */
static size_t
names_each_row(const char *sql, const char *marker, int n,
    void (*check)(const char *))
{
	const char	*at = strstr(sql, marker);
	size_t		 rows = 0;

	ck_assert_msg(at != NULL, "no \"%s\" in migration 0006", marker);
	at = strstr(at, "VALUES");
	for (at = strchr(at, '\n'); at != NULL && strncmp(at, "\n\t(", 3) == 0;
	    at = strchr(at + 1, '\n')) {
		const char	*q = at;
		char		 word[64];
		size_t		 len;

		for (int i = 0; i <= n; i++) {
			q = strchr(q + 1, '\'');
			ck_assert_ptr_nonnull(q);
			if (i < n)
				q = strchr(q + 1, '\'');
		}
		len = strcspn(q + 1, "'");
		ck_assert_uint_lt(len, sizeof word);
		memcpy(word, q + 1, len);
		word[len] = '\0';
		check(word);
		rows++;
	}
	return rows;
}

static void
names_state_named(const char *code)
{
	ck_assert_msg(strcmp(dossier_state_name(code), code) != 0,
	    "state \"%s\" has no Vietnamese name", code);
}

static void
names_action_named(const char *code)
{
	ck_assert_msg(strcmp(dossier_action_name(code), code) != 0,
	    "action \"%s\" has no Vietnamese name", code);
}

START_TEST(test_every_state_is_named)
{
	char	*sql = names_migration();

	ck_assert_uint_eq(names_each_row(sql, "INSERT INTO dossier_states", 0,
	    names_state_named), 8);
	ck_assert_str_eq(dossier_state_name("awaiting_review"), "Chờ xét duyệt");
	free(sql);
}
END_TEST

START_TEST(test_every_transition_is_named)
{
	char	*sql = names_migration();

	ck_assert_uint_ge(names_each_row(sql,
	    "INSERT INTO dossier_transitions", 1, names_action_named), 13);
	/* The actions that are not transitions. */
	names_action_named("new");
	names_action_named("attach");
	names_action_named("nominate");
	names_action_named("meeting");
	names_action_named("extension");
	names_action_named("reassign");
	free(sql);
}
END_TEST

START_TEST(test_unknown_codes_pass_through)
{
	ck_assert_str_eq(dossier_state_name("lost"), "lost");
	ck_assert_str_eq(dossier_action_name(""), "");
	ck_assert_str_eq(dossier_slot_name("pdf"), "Bản PDF đã ký");
	ck_assert_str_eq(dossier_slot_name("scan"), "scan");
}
END_TEST

static Suite *
dossier_names_suite(void)
{
	Suite	*s = suite_create("dossier_names");
	TCase	*tc = tcase_create("names");

	tcase_add_test(tc, test_every_state_is_named);
	tcase_add_test(tc, test_every_transition_is_named);
	tcase_add_test(tc, test_unknown_codes_pass_through);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(dossier_names_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
