/*
 * check_domain.c - the field as data: importing units and staff from CSV,
 * loading the shipped rulebooks, and what a unit sees of them (the
 * hierarchy, the rulebook, its calendar), through the tdkt CLI.
 *
 * Bad input is refused whole, every problem reported as file:line:col, and
 * nothing written: each refusal is followed by a check that the database
 * is as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "harness_json.h"

static struct harness	*h;

static void
domain_teardown(void)
{
	harness_free(&h);
}

/* Starts an installation and imports the District 1 demo units. */
static void
domain_start_with_units(void)
{
	struct harness_output	out;

	h = harness_new();
	harness_start(h, 0);
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_source(h, "config/demo/q1-units.csv"), NULL), 0);
	ck_assert_msg(strstr(out.out, "24 thêm mới") != NULL, "%s", out.out);
	harness_output_clear(&out);
}

/* Number of lines of `text`, each a JSON object with --json. */
static size_t
domain_count_lines(const char *text)
{
	size_t	n = 0;

	for (const char *p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

START_TEST(test_import_units_and_people)
{
	struct harness_output	 out;
	struct harness_json	*j;
	uint64_t		 v;

	domain_start_with_units();

	/* The subtree under the District 1 office: itself and 20 schools. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "units", "--under",
	    "PGDDT-Q1", NULL), 0);
	ck_assert_uint_eq(domain_count_lines(out.out), 21);
	ck_assert_msg(strstr(out.out, "\"name\":\"Trường Mầm non Bé Ngoan\"")
	    != NULL, "%s", out.out);
	harness_output_clear(&out);

	/* As a tree, deeper units are indented under the office. */
	ck_assert_int_eq(harness_cli(h, &out, "units", "--under", "SGDDT-HCM",
	    "--tree", NULL), 0);
	ck_assert_msg(strstr(out.out, "└─ PGDDT-Q1  Phòng Giáo dục và Đào tạo "
	    "Quận 1") != NULL, "%s", out.out);
	ck_assert_msg(strstr(out.out, "   └─ Q1-THCS-CHUVANAN  Trường THCS Chu "
	    "Văn An") != NULL, "%s", out.out);
	harness_output_clear(&out);

	/* Importing the same file again updates, creates nothing. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "import", "units",
	    harness_source(h, "config/demo/q1-units.csv"), NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_int_eq(harness_json_uint(j, "created", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(harness_json_uint(j, "updated", &v), 0);
	ck_assert_uint_eq(v, 24);
	harness_json_free(&j);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_cli(h, &out, "--json", "import", "people",
	    harness_source(h, "config/demo/q1-people.csv"), NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_int_eq(harness_json_uint(j, "created", &v), 0);
	ck_assert_uint_eq(v, 14);
	harness_json_free(&j);
	harness_output_clear(&out);

	/* The same columns as a YAML list. */
	harness_write(h, "more.yaml",
	    "- {code: Q1-TH-MOI, name: Trường Tiểu học Mới, kind: primary, "
	    "parent: PGDDT-Q1}\n"
	    "- code: Q1-MN-MOI\n"
	    "  name: Trường Mầm non Mới\n"
	    "  kind: Mầm non\n"
	    "  parent: PGDDT-Q1\n");
	ck_assert_int_eq(harness_cli(h, &out, "--json", "import", "units",
	    harness_path(h, "more.yaml"), NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_int_eq(harness_json_uint(j, "created", &v), 0);
	ck_assert_uint_eq(v, 2);
	harness_json_free(&j);
	harness_output_clear(&out);
	harness_write(h, "bad.yaml",
	    "- {code: X1, name: A, kind: nope, colour: red}\n"
	    "- just text\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "bad.yaml"), NULL), 1);
	ck_assert_msg(strstr(out.err, "bad.yaml:1:35: unknown key \"colour\"")
	    != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "bad.yaml:2:3: each item must be a "
	    "mapping") != NULL, "%s", out.err);
	harness_output_clear(&out);

	/* A school moves under another office: its subtree goes with it. */
	harness_write(h, "move.csv", "code,name,kind,parent\n"
	    "Q1-THCS-CHUVANAN,Trường THCS Chu Văn An,THCS,SGDDT-HCM\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "move.csv"), NULL), 0);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "units", "--under",
	    "PGDDT-Q1", NULL), 0);
	ck_assert_uint_eq(domain_count_lines(out.out), 22);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_import_refused_whole)
{
	struct harness_output	out;

	domain_start_with_units();

	/* Problems the server sees in the file itself, all at once. */
	harness_write(h, "bad.csv", "Mã đơn vị,Tên đơn vị,Loại hình,Đơn vị cấp trên,email\n"
	    "X1,Trường X,Tiểu học,PGDDT-Q1,\n"
	    "X2,,Tiểu học,PGDDT-Q1,\n"
	    "X3,Trường Z,Trường,PGDDT-Q1,khong-phai-thu\n"
	    "X1,Trùng mã,primary,,\n"
	    "bad code,Trường W,primary,,\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "bad.csv"), NULL), 1);
	ck_assert_msg(strstr(out.err, "bad.csv:3:4: name is empty\n") != NULL,
	    "%s", out.err);
	ck_assert_msg(strstr(out.err, "bad.csv:4:13: unknown unit kind "
	    "\"Trường\"\n") != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "bad.csv:4:29: \"khong-phai-thu\" is not "
	    "an e-mail address\n") != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "bad.csv:5:1: code \"X1\" appears again "
	    "(first on line 2)\n") != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "bad.csv:6:1: \"bad code\" is not a valid "
	    "code") != NULL, "%s", out.err);
	harness_output_clear(&out);

	/* A missing column and one the server does not know. */
	harness_write(h, "columns.csv", "code,name,colour\nX9,Trường,xanh\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "columns.csv"), NULL), 1);
	ck_assert_msg(strstr(out.err, "columns.csv:1:11: unknown column "
	    "\"colour\"") != NULL, "%s", out.err);
	ck_assert_msg(strstr(out.err, "columns.csv:1:1: missing column "
	    "\"kind\"") != NULL, "%s", out.err);
	harness_output_clear(&out);

	/* Problems only the database sees: an unknown parent, a cycle. */
	harness_write(h, "parents.csv", "code,name,kind,parent\n"
	    "Y1,Trường Y,primary,PGDDT-Q1\n"
	    "Y2,Trường Y2,primary,KHONG-CO\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "parents.csv"), NULL), 1);
	ck_assert_msg(strstr(out.err, "parents.csv:3:22: parent unit "
	    "\"KHONG-CO\" is neither known nor in this file") != NULL,
	    "%s", out.err);
	harness_output_clear(&out);
	harness_write(h, "cycle.csv", "code,name,kind,parent\n"
	    "Z0,Trường Z0,primary,PGDDT-Q1\n"
	    "Z1,Phòng Z1,office,Z2\n"
	    "Z2,Phòng Z2,office,Z1\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "cycle.csv"), NULL), 1);
	ck_assert_msg(strstr(out.err, "cycle.csv:3:20: unit \"Z1\" is its own "
	    "ancestor") != NULL, "%s", out.err);
	harness_output_clear(&out);

	/* Not UTF-8 (a legacy code page): refused with its place. */
	harness_write(h, "latin1.csv", "code,name,kind\nW1,Tr\xf0\xf0ng,primary\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "latin1.csv"), NULL), 1);
	ck_assert_msg(strstr(out.err, "latin1.csv:2:6: the file is not UTF-8")
	    != NULL, "%s", out.err);
	harness_output_clear(&out);

	/* People of a unit that does not exist. */
	harness_write(h, "people.csv", "code,full_name,unit\n"
	    "P1,Nguyễn Văn A,Q1-TH-KETDOAN\nP2,Trần Thị B,KHONG-CO\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "people",
	    harness_path(h, "people.csv"), NULL), 1);
	ck_assert_msg(strstr(out.err, "people.csv:3:15: unit \"KHONG-CO\" does "
	    "not exist") != NULL, "%s", out.err);
	harness_output_clear(&out);

	/* Nothing of any refused file was written. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "units", NULL), 0);
	ck_assert_uint_eq(domain_count_lines(out.out), 24);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_rulebooks_load_and_show)
{
	struct harness_output	 out;
	struct harness_json	*j;
	char			*text, *changed, *p;
	uint64_t		 v;
	const char		*q1 = "config/rulebooks/q1-2023-2024.yaml";

	domain_start_with_units();

	ck_assert_int_eq(harness_cli(h, &out, "--json", "rulebook", "load",
	    harness_source(h, q1), NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_str_eq(harness_json_string(j, "outcome"), "loaded");
	ck_assert_str_eq(harness_json_string(j, "issuer"), "PGDDT-Q1");
	ck_assert_str_eq(harness_json_string(j, "period"), "2023-2024");
	ck_assert_int_eq(harness_json_uint(j, "version", &v), 0);
	ck_assert_uint_eq(v, 1);
	harness_json_free(&j);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_cli(h, &out, "rulebook", "load",
	    harness_source(h, "config/rulebooks/quangnam-2024.yaml"), NULL), 0);
	harness_output_clear(&out);

	/* The same file again changes nothing. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "rulebook", "load",
	    harness_source(h, q1), NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_str_eq(harness_json_string(j, "outcome"), "unchanged");
	harness_json_free(&j);
	harness_output_clear(&out);

	/* A changed file is a new version; the first stays as it was. */
	text = harness_read_file(harness_source(h, q1), NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(p = strstr(text, "closes: 2024-05-28}"));
	changed = strdup(text);
	memcpy(changed + (p - text), "closes: 2024-05-29}", 19);
	harness_write(h, "q1-v2.yaml", changed);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "rulebook", "load",
	    harness_path(h, "q1-v2.yaml"), NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_int_eq(harness_json_uint(j, "version", &v), 0);
	ck_assert_uint_eq(v, 2);
	harness_json_free(&j);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "rulebook", "show",
	    "--issuer", "PGDDT-Q1", "--version", "1", NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_str_eq(harness_json_string(j, "source"), text);
	ck_assert_int_eq(harness_json_uint(j, "versions", &v), 0);
	ck_assert_uint_eq(v, 2);
	harness_json_free(&j);
	harness_output_clear(&out);
	free(changed);
	free(text);

	/* People read it in Vietnamese, names of the block leaders included. */
	ck_assert_int_eq(harness_cli(h, &out, "rulebook", "show", "--issuer",
	    "PGDDT-Q1", NULL), 0);
	ck_assert_msg(strstr(out.out, "1382/HD-GDĐT ngày 12/10/2023") != NULL,
	    "%s", out.out);
	ck_assert_msg(strstr(out.out, "15/05/2024  29/05/2024  03/06/2024") !=
	    NULL, "%s", out.out);
	ck_assert_msg(strstr(out.out, "Trường Mầm non Bé Ngoan") != NULL, "%s",
	    out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_rulebook_refused)
{
	struct harness_output	 out;
	char			*text, *p;

	domain_start_with_units();

	/* Problems in the file: all of them, with their places. */
	harness_write(h, "broken.yaml", "format: 1\nissuer: {unit: PGDDT-Q1\n");
	ck_assert_int_eq(harness_cli(h, &out, "rulebook", "load",
	    harness_path(h, "broken.yaml"), NULL), 1);
	ck_assert_msg(strstr(out.err, "broken.yaml:3:1: ") != NULL, "%s",
	    out.err);
	ck_assert_msg(strstr(out.err, "[invalid_argument]") != NULL, "%s",
	    out.err);
	harness_output_clear(&out);

	/* Units the rulebook names must exist. */
	text = harness_read_file(harness_source(h,
	    "config/rulebooks/q1-2023-2024.yaml"), NULL);
	ck_assert_ptr_nonnull(p = strstr(text, "Q1-MN-SONCA, Q1-MN-TUOITHO"));
	memcpy(p, "Q1-MN-SONCA, Q1-MN-TUOIXXX", 26);
	harness_write(h, "ghost.yaml", text);
	free(text);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "rulebook", "load",
	    harness_path(h, "ghost.yaml"), NULL), 1);
	ck_assert_msg(strstr(out.out, "\"error\":\"invalid_argument\"") != NULL,
	    "%s", out.out);
	ck_assert_msg(strstr(out.out, "ghost.yaml:") != NULL &&
	    strstr(out.out, "unit \\\"Q1-MN-TUOIXXX\\\" does not exist") != NULL,
	    "%s", out.out);
	harness_output_clear(&out);

	/* Nothing was stored. */
	ck_assert_int_eq(harness_cli(h, &out, "rulebook", "show", NULL), 1);
	ck_assert_msg(strstr(out.err, "[not_found]") != NULL, "%s", out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_calendar_primary_school)
{
	struct harness_output	out;
	const char		*reg, *year_end;

	domain_start_with_units();
	ck_assert_int_eq(harness_cli(h, &out, "rulebook", "load",
	    harness_source(h, "config/rulebooks/q1-2023-2024.yaml"), NULL), 0);
	harness_output_clear(&out);

	/* A primary school that leads no block: its two dossiers, in date order. */
	ck_assert_int_eq(harness_cli(h, &out, "calendar", "--unit",
	    "Q1-TH-NGUYENBINHKHIEM", "--today", "2024-05-20", NULL), 0);
	reg = strstr(out.out, "DANG_KY   Hồ sơ đăng ký thi đua của đơn vị        "
	    "12/10/2023  27/10/2023  27/10/2023  đã qua 206 ngày");
	year_end = strstr(out.out, "CUOI_NAM  Hồ sơ đề nghị khen thưởng cuối "
	    "năm học  15/05/2024  28/05/2024  03/06/2024  còn 8 ngày");
	ck_assert_msg(reg != NULL && year_end != NULL && reg < year_end, "%s",
	    out.out);
	ck_assert_msg(strstr(out.out, "KHOI_") == NULL, "%s", out.out);
	harness_output_clear(&out);

	/* A block leader also has its block's dossiers. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "calendar", "--unit",
	    "Q1-TH-DINHTIENHOANG", "--today", "2024-05-20", NULL), 0);
	ck_assert_uint_eq(domain_count_lines(out.out), 5);
	ck_assert_msg(strstr(out.out, "\"code\":\"KHOI_BINH_CHON_CO\"") != NULL,
	    "%s", out.out);
	harness_output_clear(&out);

	/* The office sees its own steps. */
	ck_assert_int_eq(harness_cli(h, &out, "calendar", "--unit", "PGDDT-Q1",
	    "--today", "2024-06-05", NULL), 0);
	ck_assert_msg(strstr(out.out, "04/06/2024  07/06/2024  07/06/2024  còn "
	    "2 ngày") != NULL, "%s", out.out);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_cli(h, &out, "calendar", "--unit", "KHONG-CO",
	    NULL), 1);
	ck_assert_msg(strstr(out.err, "[not_found]") != NULL, "%s", out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "calendar", "--unit", "X",
	    "--today", "20/05/2024", NULL), 2);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

static Suite *
domain_suite(void)
{
	Suite	*s = suite_create("domain");
	TCase	*tc;

	tc = tcase_create("import");
	tcase_add_checked_fixture(tc, NULL, domain_teardown);
	tcase_add_test(tc, test_import_units_and_people);
	tcase_add_test(tc, test_import_refused_whole);
	suite_add_tcase(s, tc);

	tc = tcase_create("rulebook");
	tcase_add_checked_fixture(tc, NULL, domain_teardown);
	tcase_add_test(tc, test_rulebooks_load_and_show);
	tcase_add_test(tc, test_rulebook_refused);
	tcase_add_test(tc, test_calendar_primary_school);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_main(domain_suite);
}
