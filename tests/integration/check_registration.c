/*
 * check_registration.c - emulation registration and block pacts through
 * the tdkt CLI, on a given day of District 1's 2023-2024 year.
 *
 * The server reads "today" from TDKT_TEST_TODAY, which only builds with
 * TDKT_TEST_CLOCK honour (make test); CMake registers this suite only for
 * such builds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "harness_json.h"

static struct harness	*h;

static void
registration_teardown(void)
{
	harness_free(&h);
}

/* District 1 with its units, staff and rulebook, on day `today`. */
static void
registration_start(const char *today)
{
	setenv("TDKT_TEST_TODAY", today, 1);
	h = harness_new();
	harness_start(h, 0);
	harness_load_district1(h);
	/* Registering is the head's act; the pact, the block leader's. */
	harness_user(h, "hieutruong", "Q1-TH-DINHTIENHOANG", "head",
	    "block_leader", NULL);
}

START_TEST(test_register_before_deadline)
{
	struct harness_output	 out;
	struct harness_json	*j;
	uint64_t		 v;

	registration_start("2023-10-20");

	/* The collective, then a list of staff from the school's spreadsheet. */
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "--json", "register", "--unit",
	    "Q1-TH-DINHTIENHOANG", "--title", "TTLDXS", "--target",
	    "Hoàn thành xuất sắc nhiệm vụ năm học", NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_str_eq(harness_json_string(j, "issuer"), "PGDDT-Q1");
	ck_assert_str_eq(harness_json_string(j, "period"), "2023-2024");
	ck_assert_int_eq(harness_json_uint(j, "created", &v), 0);
	ck_assert_uint_eq(v, 1);
	harness_json_free(&j);
	harness_output_clear(&out);

	harness_write(h, "dk.csv", "Mã cán bộ,Danh hiệu,Chỉ tiêu\n"
	    "Q1-DTH-002,LDTT,Hoàn thành tốt nhiệm vụ\n"
	    "Q1-DTH-003,CSTDCS,Sáng kiến cấp quận\n");
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "register", "--unit",
	    "Q1-TH-DINHTIENHOANG", "--file", harness_path(h, "dk.csv"), NULL), 0);
	harness_output_clear(&out);

	/* Registering again updates the targets, adds nothing. */
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "--json", "register", "--unit",
	    "Q1-TH-DINHTIENHOANG", "--person", "Q1-DTH-002", "--title", "LDTT",
	    "--target", "Hoàn thành xuất sắc", NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_int_eq(harness_json_uint(j, "updated", &v), 0);
	ck_assert_uint_eq(v, 1);
	harness_json_free(&j);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_cli(h, &out, "--json", "registrations",
	    "--unit", "Q1-TH-DINHTIENHOANG", NULL), 0);
	ck_assert_msg(strstr(out.out, "\"person_name\":\"Đặng Thị Kim Oanh\","
	    "\"title\":\"LDTT\",\"title_name\":\"Lao động tiên tiến\","
	    "\"targets\":\"Hoàn thành xuất sắc\"") != NULL, "%s", out.out);
	ck_assert_msg(strstr(out.out, "\"person\":\"\",\"person_name\":\"\","
	    "\"title\":\"TTLDXS\"") != NULL, "%s", out.out);
	harness_output_clear(&out);

	/* The block's pact. */
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "register", "pact", "--block",
	    "TH1", "--signed", "2023-10-18", NULL), 0);
	ck_assert_msg(strstr(out.out, "Khối thi đua tiểu học 1") != NULL, "%s",
	    out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_register_refused)
{
	struct harness_output	out;

	registration_start("2023-10-20");

	/* Every wrong item named by its line; none saved. */
	harness_write(h, "dk.csv", "person,title,targets\n"
	    "Q1-DTH-002,LDTT,\n"
	    "Q1-BN-001,LDTT,\n"
	    "Q1-DTH-003,CO_TP,\n"
	    "Q1-DTH-004,KHONG_CO,\n"
	    ",LDTT,\n");
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "register", "--unit",
	    "Q1-TH-DINHTIENHOANG", "--file", harness_path(h, "dk.csv"), NULL), 1);
	ck_assert_msg(strstr(out.err, "dk.csv:3: \"Q1-BN-001\" is not on the "
	    "staff of Q1-TH-DINHTIENHOANG\n") != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "dk.csv:4: title \"CO_TP\" is for "
	    "collectives, not a person\n") != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "dk.csv:5: title \"KHONG_CO\" is not in "
	    "the rulebook of PGDDT-Q1 for 2023-2024\n") != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "dk.csv:6: title \"LDTT\" is for "
	    "individuals: name the person\n") != NULL, "%s", out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "registrations", "--unit",
	    "Q1-TH-DINHTIENHOANG", NULL), 0);
	ck_assert_msg(strstr(out.out, "Chưa có đăng ký nào.") != NULL, "%s",
	    out.out);
	harness_output_clear(&out);

	/* The same item twice in one list. */
	harness_write(h, "twice.csv", "person,title\nQ1-DTH-002,LDTT\n"
	    "Q1-DTH-002,LDTT\n");
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "register", "--unit",
	    "Q1-TH-DINHTIENHOANG", "--file", harness_path(h, "twice.csv"),
	    NULL), 1);
	ck_assert_msg(strstr(out.err, "twice.csv:3: the same registration as "
	    "twice.csv:2") != NULL, "%s", out.err);
	harness_output_clear(&out);

	/*
	 * Unknown unit, unknown block: outside the head's reach, so refused
	 * without saying whether they exist. A pact in the future.
	 */
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "register",
	    "--unit", "KHONG-CO", "--title", "TTLDTT", NULL), 1);
	ck_assert_msg(strstr(out.err, "[permission_denied]") != NULL, "%s",
	    out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "register",
	    "pact", "--block", "KHONG", "--signed", "2023-10-18", NULL), 1);
	ck_assert_msg(strstr(out.err, "[permission_denied]") != NULL, "%s",
	    out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "register", "pact", "--block",
	    "TH1", "--signed", "2023-10-21", NULL), 1);
	ck_assert_msg(strstr(out.err, "in the future") != NULL, "%s", out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_register_after_deadline)
{
	struct harness_output	out;

	/* The guideline's registration deadline is 27/10/2023. */
	registration_start("2023-10-28");
	ck_assert_int_eq(harness_cli_as(h, &out, "hieutruong", "--json", "register", "--unit",
	    "Q1-TH-DINHTIENHOANG", "--title", "TTLDTT", NULL), 1);
	ck_assert_msg(strstr(out.out, "\"error\":\"deadline_passed\"") != NULL,
	    "%s", out.out);
	ck_assert_msg(strstr(out.out, "closed on 2023-10-27") != NULL, "%s",
	    out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

static Suite *
registration_suite(void)
{
	Suite	*s = suite_create("registration");
	TCase	*tc;

	tc = tcase_create("register");
	tcase_add_checked_fixture(tc, NULL, registration_teardown);
	tcase_add_test(tc, test_register_before_deadline);
	tcase_add_test(tc, test_register_refused);
	tcase_add_test(tc, test_register_after_deadline);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_main(registration_suite);
}
