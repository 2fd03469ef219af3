/*
 * check_curve.c - unit tests for CURVE key files (curve.c): made private,
 * read back, and every kind of broken or exposed file refused with its
 * file:line.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "curve.h"

static char	dir[64];

static void
curve_setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tdkt-check-curve-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
curve_teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes `text` to DIR/name with `mode`; returns the path (static). */
static const char *
curve_write(const char *name, const char *text, mode_t mode)
{
	static char	 path[128];
	FILE		*fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

/* Asserts that reading `path` fails with a cause containing `needle`. */
static void
curve_refused(const char *path, const char *needle)
{
	struct curve_keypair	 kp;
	char			*cause = NULL;

	ck_assert_int_eq(curve_keyfile_read(path, &kp, &cause), -1);
	ck_assert_msg(cause != NULL && strstr(cause, needle) != NULL,
	    "expected \"%s\" in: %s", needle, cause != NULL ? cause : "(none)");
	free(cause);
}

START_TEST(test_curve_create_and_read)
{
	struct curve_keypair	 made, read;
	struct stat		 st;
	char			*cause = NULL, path[128];

	snprintf(path, sizeof path, "%s/k.key", dir);
	ck_assert_int_eq(curve_keyfile_create(path, "test", &made, &cause), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert(curve_key_valid(made.public_key));
	ck_assert_int_eq(curve_keyfile_read(path, &read, &cause), 0);
	ck_assert_str_eq(read.public_key, made.public_key);
	ck_assert_str_eq(read.secret_key, made.secret_key);
	curve_keypair_clear(&read);
	ck_assert_str_eq(read.secret_key, "");
	/* Never over an existing file. */
	ck_assert_int_eq(curve_keyfile_create(path, "test", &made, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "File exists"));
	free(cause);
}
END_TEST

START_TEST(test_curve_secret_only)
{
	struct curve_keypair	 made, read;
	char			*cause = NULL, text[128];
	const char		*path;

	ck_assert_int_eq(curve_keypair_new(&made, &cause), 0);
	snprintf(text, sizeof text, "# comment\n\nsecret-key:   %s  \n",
	    made.secret_key);
	path = curve_write("s.key", text, 0600);
	ck_assert_int_eq(curve_keyfile_read(path, &read, &cause), 0);
	ck_assert_str_eq(read.public_key, made.public_key);
}
END_TEST

START_TEST(test_curve_refused)
{
	struct curve_keypair	 a, b;
	char			*cause = NULL, text[256];

	ck_assert_int_eq(curve_keypair_new(&a, &cause), 0);
	ck_assert_int_eq(curve_keypair_new(&b, &cause), 0);

	curve_refused("/nonexistent/k.key", "No such file");
	snprintf(text, sizeof text, "secret-key: %s\n", a.secret_key);
	curve_refused(curve_write("open.key", text, 0644), "chmod 600");
	curve_refused(curve_write("empty.key", "", 0600), ":0: no secret-key");
	curve_refused(curve_write("short.key", "# x\nsecret-key: abc\n", 0600),
	    "short.key:2:");
	curve_refused(curve_write("word.key", "secret: x\n", 0600),
	    "word.key:1:");
	/* Right length, not Z85 ('"' and ',' are outside its alphabet). */
	curve_refused(curve_write("z85.key", "secret-key: "
	    "\"\"\"\"\"\"\"\"\"\",,,,,,,,,,\"\"\"\"\"\"\"\"\"\",,,,,,,,,,\n",
	    0600), "z85.key:1:");
	snprintf(text, sizeof text, "secret-key: %s extra\n", a.secret_key);
	curve_refused(curve_write("extra.key", text, 0600), "extra.key:1:");
	snprintf(text, sizeof text, "public-key: %s\nsecret-key: %s\n",
	    b.public_key, a.secret_key);
	curve_refused(curve_write("mixed.key", text, 0600),
	    "does not belong");
}
END_TEST

START_TEST(test_curve_key_valid)
{
	struct curve_keypair	 a;
	char			*cause = NULL;

	ck_assert_int_eq(curve_keypair_new(&a, &cause), 0);
	ck_assert(curve_key_valid(a.public_key));
	ck_assert(!curve_key_valid(""));
	ck_assert(!curve_key_valid("'; DROP TABLE worker_keys; --"));
	a.public_key[39] = '"';
	ck_assert(!curve_key_valid(a.public_key));
	ck_assert(curve_endpoint_needs("tcp://127.0.0.1:7450"));
	ck_assert(!curve_endpoint_needs("ipc:///run/tdkt.sock"));
	ck_assert(!curve_endpoint_needs("inproc://x"));
}
END_TEST

static Suite *
curve_suite(void)
{
	Suite	*s = suite_create("curve");
	TCase	*tc = tcase_create("keyfiles");

	tcase_add_checked_fixture(tc, curve_setup, curve_teardown);
	tcase_add_test(tc, test_curve_create_and_read);
	tcase_add_test(tc, test_curve_secret_only);
	tcase_add_test(tc, test_curve_refused);
	tcase_add_test(tc, test_curve_key_valid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(curve_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
