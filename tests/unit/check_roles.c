/*
 * check_roles.c - unit tests for the role names and bits (roles.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "roles.h"

START_TEST(test_roles_parse_plain)
{
	const char	*level;

	ck_assert_uint_eq(roles_parse("staff", &level), ROLE_STAFF);
	ck_assert_str_eq(level, "");
	ck_assert_uint_eq(roles_parse("head", &level), ROLE_HEAD);
	ck_assert_uint_eq(roles_parse("block_leader", &level), ROLE_BLOCK_LEADER);
	ck_assert_uint_eq(roles_parse("office_head", &level), ROLE_OFFICE_HEAD);
	ck_assert_uint_eq(roles_parse("department", &level), ROLE_DEPARTMENT);
	ck_assert_uint_eq(roles_parse("ministry", &level), ROLE_MINISTRY);
	ck_assert_uint_eq(roles_parse("admin", &level), ROLE_ADMIN);
}
END_TEST

START_TEST(test_roles_parse_specialist)
{
	const char	*level;

	ck_assert_uint_eq(roles_parse("specialist:primary", &level),
	    ROLE_SPECIALIST);
	ck_assert_str_eq(level, "primary");
	ck_assert_uint_eq(roles_parse("specialist:preschool", &level),
	    ROLE_SPECIALIST);
	ck_assert_uint_eq(roles_parse("specialist:upper_secondary", &level),
	    ROLE_SPECIALIST);
}
END_TEST

START_TEST(test_roles_parse_refused)
{
	static const char *const bad[] = {
		"", "god", "Staff", "staff ", "admi", "adminx", "specialist",
		"specialist:", "specialist:university", "head:primary",
		"staff:", ":staff", "specialist:primary:x", "' OR 1=1 --",
		"quản trị",
	};
	const char	*level;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(roles_parse(bad[i], &level) == 0,
		    "\"%s\" parsed as a role", bad[i]);
}
END_TEST

START_TEST(test_roles_parse_all)
{
	char	*texts[] = { "head", "specialist:primary", "nonsense",
		    "head" };

	ck_assert_uint_eq(roles_parse_all(texts, 4), ROLE_HEAD | ROLE_SPECIALIST);
	ck_assert_uint_eq(roles_parse_all(NULL, 0), 0);
}
END_TEST

START_TEST(test_roles_names)
{
	char	buf[128];

	for (unsigned bit = 1; bit <= ROLE_ADMIN; bit <<= 1) {
		const char	*level;
		char		 text[ROLES_TEXT_MAX + 1];

		ck_assert_ptr_nonnull(roles_code(bit));
		ck_assert_ptr_nonnull(roles_name_vi(bit));
		snprintf(text, sizeof text, "%s%s", roles_code(bit),
		    bit == ROLE_SPECIALIST ? ":lower_secondary" : "");
		ck_assert_uint_eq(roles_parse(text, &level), bit);
	}
	ck_assert_ptr_null(roles_code(0));
	ck_assert_ptr_null(roles_code(ROLE_HEAD | ROLE_STAFF));
	ck_assert_str_eq(roles_level_name_vi("primary"), "Tiểu học");
	ck_assert_ptr_null(roles_level_name_vi("kindergarten"));

	roles_format(ROLE_STAFF | ROLE_ADMIN, buf, sizeof buf);
	ck_assert_str_eq(buf, "staff, admin");
	roles_format(0, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
	roles_format(ROLES_ALL, buf, 8);	/* cut, still terminated */
	ck_assert_uint_lt(strlen(buf), 8);
}
END_TEST

static Suite *
roles_suite(void)
{
	Suite	*s = suite_create("roles");
	TCase	*tc = tcase_create("roles");

	tcase_add_test(tc, test_roles_parse_plain);
	tcase_add_test(tc, test_roles_parse_specialist);
	tcase_add_test(tc, test_roles_parse_refused);
	tcase_add_test(tc, test_roles_parse_all);
	tcase_add_test(tc, test_roles_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(roles_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
