/*
 * check_inspect_pdf.c - unit tests for the PDF check and its child process
 * (worker/inspect_pdf.c, worker/inspect_child.c).
 *
 * The PDF cases run end to end: each file goes through inspect_child_run
 * into the built tdkt-worker in its child mode (--inspect-child), which
 * opens it with qpdf under the limits and answers; every hostile case
 * asserts its exact problem code. The files are made in memory
 * (testpdf.c): sound, truncated, damaged, encrypted with and without a
 * user password, pageless, with a page tree that loops, claims two billion
 * pages, is a hundred thousand levels deep, or lists one page a million
 * times (which makes qpdf eat gigabytes and CPU seconds).
 *
 * The protocol cases replace the worker with small shell scripts that
 * misbehave as a child could: never answer, close stdout and hang, crash,
 * answer garbage or far too much, stop reading its input, exit with the
 * setup status or die of SIGTERM. Each must end within its limits, with
 * the child reaped and the right outcome: a finding, or a failure to
 * retry. Two more check what the child inherits: no stray descriptor and
 * no blocked or ignored signal.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "clock.h"
#include "inspect_child.h"
#include "testpdf.h"
#include "xmalloc.h"

#define WORKER_EXE	TDKT_BIN_DIR "/tdkt-worker"

/* Limits for the fake children: nothing should take long. */
static const struct inspect_limits quick = { 0, 5, 3000 };
static const struct inspect_limits standard = INSPECT_LIMITS_DEFAULT;

static struct inspect_finding
inspect_ok(const char *exe, const struct inspect_limits *limits,
    const char *buf, size_t len)
{
	struct inspect_finding	 f;
	char			*cause = NULL;

	if (inspect_child_run(exe, limits, buf, len, &f, &cause) < 0)
		ck_abort_msg("the inspection failed: %s", cause);
	return f;
}

static void
assert_problem(const struct inspect_finding *f, enum inspect_problem p)
{
	ck_assert_msg(f->problem == p, "problem \"%s\", expected \"%s\" "
	    "(detail: %s)", inspect_problem_name(f->problem),
	    inspect_problem_name(p), f->detail);
}

/* No child of this (forked) test process is left, zombie or not. */
static void
assert_no_children(void)
{
	int	status;

	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

/* ---- Real PDFs through the real worker ---- */

START_TEST(test_pdf_sound)
{
	size_t			len;
	char			*pdf = testpdf_one_page(&len);
	struct inspect_finding	f = inspect_ok(WORKER_EXE, &standard, pdf, len);

	assert_problem(&f, INSPECT_OK);
	ck_assert_uint_eq(f.pages, 1);
	ck_assert(!f.encrypted);
	ck_assert_str_eq(f.detail, "");
	free(pdf);
	assert_no_children();
}
END_TEST

START_TEST(test_pdf_sound_nested_pages)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		"<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 >>",
		"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] >>",
		"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 842 595] >>",
	};
	size_t			len;
	char			*pdf = testpdf_build(objs, 6, &len);
	struct inspect_finding	f = inspect_ok(WORKER_EXE, &standard, pdf, len);

	assert_problem(&f, INSPECT_OK);
	ck_assert_uint_eq(f.pages, 3);
	free(pdf);
}
END_TEST

START_TEST(test_pdf_truncated)
{
	size_t			len;
	char			*pdf = testpdf_one_page(&len);
	struct inspect_finding	f;

	/* Cut in the middle of the objects: it does not open. */
	f = inspect_ok(WORKER_EXE, &standard, pdf, len * 6 / 10);
	assert_problem(&f, INSPECT_TRUNCATED);
	ck_assert_ptr_nonnull(strstr(f.detail, "does not open"));
	/* Only the %%EOF line lost: it reads, but it was cut. */
	f = inspect_ok(WORKER_EXE, &standard, pdf, len - 6);
	assert_problem(&f, INSPECT_TRUNCATED);
	ck_assert_uint_eq(f.pages, 1);
	free(pdf);
}
END_TEST

START_TEST(test_pdf_damaged)
{
	static const char	junk[] = "%PDF-1.4\nthis is not a PDF body\n"
	    "%%EOF\n";
	size_t			len;
	char			*pdf = testpdf_one_page(&len), *p;
	struct inspect_finding	f;

	/* A startxref that points nowhere: qpdf rebuilds the table. */
	p = strstr(pdf, "startxref\n") + strlen("startxref\n");
	memcpy(p, "17 ", 3);
	f = inspect_ok(WORKER_EXE, &standard, pdf, len);
	assert_problem(&f, INSPECT_DAMAGED);
	ck_assert_uint_eq(f.pages, 1);
	ck_assert_ptr_nonnull(strstr(f.detail, "xref not found"));
	/* No structure at all after the header. */
	f = inspect_ok(WORKER_EXE, &standard, junk, sizeof junk - 1);
	assert_problem(&f, INSPECT_DAMAGED);
	free(pdf);
}
END_TEST

START_TEST(test_pdf_encrypted)
{
	size_t			len, elen;
	char			*pdf = testpdf_one_page(&len), *enc;
	struct inspect_finding	f;

	enc = testpdf_encrypt(pdf, len, "secret", &elen);
	f = inspect_ok(WORKER_EXE, &standard, enc, elen);
	assert_problem(&f, INSPECT_ENCRYPTED);
	ck_assert(f.encrypted);
	ck_assert_ptr_nonnull(strstr(f.detail, "password"));
	free(enc);
	/* Restrictions under an owner password only: it opens, pages count. */
	enc = testpdf_encrypt(pdf, len, "", &elen);
	f = inspect_ok(WORKER_EXE, &standard, enc, elen);
	assert_problem(&f, INSPECT_ENCRYPTED);
	ck_assert(f.encrypted);
	ck_assert_uint_eq(f.pages, 1);
	free(enc);
	free(pdf);
}
END_TEST

START_TEST(test_pdf_no_pages)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
	};
	size_t			len;
	char			*pdf = testpdf_build(objs, 2, &len);
	struct inspect_finding	f = inspect_ok(WORKER_EXE, &standard, pdf, len);

	assert_problem(&f, INSPECT_NO_PAGES);
	ck_assert_uint_eq(f.pages, 0);
	free(pdf);
}
END_TEST

START_TEST(test_pdf_huge_count)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	};
	size_t			len;
	char			*pdf = testpdf_build(objs, 3, &len);
	struct inspect_finding	f = inspect_ok(WORKER_EXE, &standard, pdf, len);

	assert_problem(&f, INSPECT_DAMAGED);
	ck_assert_ptr_nonnull(strstr(f.detail, "2147483647"));
	free(pdf);
}
END_TEST

START_TEST(test_pdf_page_tree_loop)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	};
	size_t			len;
	char			*pdf = testpdf_build(objs, 3, &len);
	struct inspect_finding	f = inspect_ok(WORKER_EXE, &standard, pdf, len);

	assert_problem(&f, INSPECT_DAMAGED);
	ck_assert_ptr_nonnull(strstr(f.detail, "Loop"));
	free(pdf);
}
END_TEST

/* A page tree 100,000 levels deep: qpdf's recursion outruns its stack. */
START_TEST(test_pdf_deep_page_tree)
{
	const size_t		 depth = 100000;
	char			**objs = xcalloc(depth + 2, sizeof *objs);
	char			*pdf;
	size_t			 len;
	int64_t			 start;
	struct inspect_finding	 f;

	objs[0] = xstrdup("<< /Type /Catalog /Pages 2 0 R >>");
	for (size_t i = 1; i <= depth; i++)
		objs[i] = xasprintf("<< /Type /Pages /Kids [%zu 0 R] /Count 1 >>",
		    i + 2);
	objs[depth + 1] = xstrdup("<< /Type /Page /MediaBox [0 0 595 842] >>");
	pdf = testpdf_build((const char *const *)objs, depth + 2, &len);
	start = clock_monotonic_ms();
	f = inspect_ok(WORKER_EXE, &standard, pdf, len);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_int_lt(clock_monotonic_ms() - start, INSPECT_WALL_MS + 2000);
	assert_no_children();
	for (size_t i = 0; i < depth + 2; i++)
		free(objs[i]);
	free(objs);
	free(pdf);
}
END_TEST

/*
 * One page listed a million times: qpdf copies it for each listing, which
 * for this 6 MB file takes some 3 GB and 12 s of CPU without limits.
 */
static char *
pdf_repeated_page(size_t *len)
{
	const size_t	 n = 1000000;
	char		*kids = xmalloc(n * 6 + 64), *pages;
	const char	*objs[3];
	char		*pdf;

	for (size_t i = 0; i < n; i++)
		memcpy(kids + 6 * i, "3 0 R ", 6);
	kids[6 * n] = '\0';
	pages = xasprintf("<< /Type /Pages /Kids [%s] /Count %zu >>", kids, n);
	objs[0] = "<< /Type /Catalog /Pages 2 0 R >>";
	objs[1] = pages;
	objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>";
	pdf = testpdf_build(objs, 3, len);
	free(pages);
	free(kids);
	return pdf;
}

START_TEST(test_pdf_cpu_limit)
{
	const struct inspect_limits	 limits = { 0, 1, 20000 };
	size_t				 len;
	char				*pdf = pdf_repeated_page(&len);
	struct inspect_finding		 f;

	f = inspect_ok(WORKER_EXE, &limits, pdf, len);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_ptr_nonnull(strstr(f.detail, "CPU"));
	assert_no_children();
	free(pdf);
}
END_TEST

#if !defined(__SANITIZE_ADDRESS__)
/* Not under ASan, whose shadow memory rules out RLIMIT_AS (see the .c). */
START_TEST(test_pdf_memory_limit)
{
	const struct inspect_limits	 limits = { 256ULL << 20, 20, 30000 };
	size_t				 len;
	char				*pdf = pdf_repeated_page(&len);
	struct inspect_finding		 f;

	f = inspect_ok(WORKER_EXE, &limits, pdf, len);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	assert_no_children();
	free(pdf);
}
END_TEST
#endif

START_TEST(test_pdf_not_a_pdf)
{
	static const char	text[] = "Báo cáo thành tích năm học 2023-2024\n";
	struct inspect_finding	f;

	f = inspect_ok(WORKER_EXE, &standard, text, sizeof text - 1);
	assert_problem(&f, INSPECT_NOT_PDF);
	f = inspect_ok(WORKER_EXE, &standard, "", 0);
	assert_problem(&f, INSPECT_NOT_PDF);
}
END_TEST

struct inspect_thread {
	pthread_t		thread;
	struct inspect_finding	f;
	int			rc;
};

static void *
inspect_thread_main(void *arg)
{
	struct inspect_thread	*t = arg;
	size_t			 len;
	char			*pdf = testpdf_one_page(&len), *cause = NULL;

	t->rc = inspect_child_run(WORKER_EXE, &standard, pdf, len, &t->f,
	    &cause);
	free(cause);
	free(pdf);
	return NULL;
}

/* Job threads inspect at once, each with its own child. */
START_TEST(test_pdf_concurrent)
{
	struct inspect_thread	t[4];

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i].thread, NULL,
		    inspect_thread_main, &t[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i].thread, NULL);
		ck_assert_int_eq(t[i].rc, 0);
		assert_problem(&t[i].f, INSPECT_OK);
		ck_assert_uint_eq(t[i].f.pages, 1);
	}
	assert_no_children();
}
END_TEST

START_TEST(test_child_main_bad_arguments)
{
	char	*too_few[] = { "tdkt-worker", INSPECT_CHILD_ARG, "0", NULL };
	char	*not_numbers[] = { "tdkt-worker", INSPECT_CHILD_ARG, "lots",
		    "20", "100", NULL };
	char	*too_long[] = { "tdkt-worker", INSPECT_CHILD_ARG, "0", "20",
		    "999999999999", NULL };

	ck_assert_int_eq(inspect_child_main(3, too_few),
	    INSPECT_CHILD_EXIT_SETUP);
	ck_assert_int_eq(inspect_child_main(5, not_numbers),
	    INSPECT_CHILD_EXIT_SETUP);
	ck_assert_int_eq(inspect_child_main(5, too_long),
	    INSPECT_CHILD_EXIT_SETUP);
}
END_TEST

/* ---- The protocol, against children that misbehave ---- */

struct fake_child {
	char	dir[64];
	char	path[96];
};

/* Writes a shell script standing in for the worker. */
static void
fake_child_make(struct fake_child *fc, const char *body)
{
	FILE	*fp;

	snprintf(fc->dir, sizeof fc->dir, "/tmp/tdkt-inspect-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fc->dir));
	snprintf(fc->path, sizeof fc->path, "%s/child.sh", fc->dir);
	ck_assert_ptr_nonnull(fp = fopen(fc->path, "w"));
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(fc->path, 0700), 0);
}

static void
fake_child_remove(struct fake_child *fc)
{
	unlink(fc->path);
	rmdir(fc->dir);
}

static struct inspect_finding
fake_inspect(const char *body, const char *input, size_t len)
{
	struct fake_child	fc;
	struct inspect_finding	f;

	fake_child_make(&fc, body);
	f = inspect_ok(fc.path, &quick, input, len);
	fake_child_remove(&fc);
	assert_no_children();
	return f;
}

/* Fails the job (-1) rather than making a finding; returns the cause. */
static char *
fake_inspect_fails(const char *body)
{
	struct fake_child	 fc;
	struct inspect_finding	 f;
	char			*cause = NULL;

	fake_child_make(&fc, body);
	ck_assert_int_eq(inspect_child_run(fc.path, &quick, "%PDF-", 5, &f,
	    &cause), -1);
	fake_child_remove(&fc);
	assert_no_children();
	ck_assert_ptr_nonnull(cause);
	return cause;
}

START_TEST(test_protocol_wall_clock)
{
	const struct inspect_limits	 limits = { 0, 5, 300 };
	struct fake_child		 fc;
	struct inspect_finding		 f;
	int64_t				 start = clock_monotonic_ms();

	fake_child_make(&fc, "exec sleep 30");
	f = inspect_ok(fc.path, &limits, "%PDF-", 5);
	fake_child_remove(&fc);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_ptr_nonnull(strstr(f.detail, "longer than 300 ms"));
	ck_assert_int_lt(clock_monotonic_ms() - start, 3000);
	assert_no_children();
}
END_TEST

/* Its stdout closed, it still does not end: killed at the deadline. */
START_TEST(test_protocol_hangs_after_closing_stdout)
{
	const struct inspect_limits	 limits = { 0, 5, 300 };
	struct fake_child		 fc;
	struct inspect_finding		 f;
	int64_t				 start = clock_monotonic_ms();

	fake_child_make(&fc, "exec >&-\nexec sleep 30");
	f = inspect_ok(fc.path, &limits, "%PDF-", 5);
	fake_child_remove(&fc);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_int_lt(clock_monotonic_ms() - start, 3000);
	assert_no_children();
}
END_TEST

START_TEST(test_protocol_crash)
{
	struct inspect_finding	f = fake_inspect("kill -SEGV $$", "%PDF-", 5);

	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_ptr_nonnull(strstr(f.detail, "SIGSEGV"));
	f = fake_inspect("kill -ABRT $$", "%PDF-", 5);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_ptr_nonnull(strstr(f.detail, "SIGABRT"));
	f = fake_inspect("kill -XCPU $$", "%PDF-", 5);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_ptr_nonnull(strstr(f.detail, "CPU"));
	f = fake_inspect("exit 1", "%PDF-", 5);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	ck_assert_ptr_nonnull(strstr(f.detail, "status 1"));
}
END_TEST

START_TEST(test_protocol_garbage_answers)
{
	static const char *const bodies[] = {
		"cat >/dev/null; echo hello",
		"cat >/dev/null",				/* none */
		"cat >/dev/null; printf 'problem=\\npages=1\\n'",
		"cat >/dev/null; printf 'problem=bogus\\npages=1\\n"
		    "encrypted=0\\ndetail=\\n'",
		/* The parent's own code, or numbers out of range. */
		"cat >/dev/null; printf 'problem=sha256_mismatch\\npages=1\\n"
		    "encrypted=0\\ndetail=\\n'",
		"cat >/dev/null; printf 'problem=\\npages=4294967296\\n"
		    "encrypted=0\\ndetail=\\n'",
		"cat >/dev/null; printf 'problem=\\npages=-1\\n"
		    "encrypted=0\\ndetail=\\n'",
		"cat >/dev/null; printf 'problem=\\npages=1\\n"
		    "encrypted=2\\ndetail=\\n'",
		/* A NUL, a missing final newline, a line too many. */
		"cat >/dev/null; printf 'problem=\\000\\npages=1\\n"
		    "encrypted=0\\ndetail=\\n'",
		"cat >/dev/null; printf 'problem=\\npages=1\\n"
		    "encrypted=0\\ndetail='",
		"cat >/dev/null; printf 'problem=\\npages=1\\n"
		    "encrypted=0\\ndetail=\\nmore=1\\n'",
		/* Far more than an answer. */
		"exec yes",
	};

	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		struct inspect_finding	f = fake_inspect(bodies[i], "%PDF-", 5);

		ck_assert_msg(f.problem == INSPECT_TOO_COMPLEX &&
		    f.pages == 0 && !f.encrypted, "case %zu: \"%s\" (%s)", i,
		    inspect_problem_name(f.problem), f.detail);
	}
}
END_TEST

/* A well-formed answer is believed; its detail is cleaned all the same. */
START_TEST(test_protocol_answer)
{
	struct inspect_finding	f = fake_inspect("cat >/dev/null; printf "
	    "'problem=no_pages\\npages=7\\nencrypted=1\\ndetail=caf\\303\\251 "
	    "\\033[31m\\n'", "%PDF-", 5);

	assert_problem(&f, INSPECT_NO_PAGES);
	ck_assert_uint_eq(f.pages, 7);
	ck_assert(f.encrypted);
	ck_assert_str_eq(f.detail, "caf?? ?[31m");
}
END_TEST

/* All of a large input arrives, through the non-blocking writes. */
START_TEST(test_protocol_large_input)
{
	const size_t		 len = 3 * 1024 * 1024 + 17;
	char			*input = xmalloc(len);
	struct inspect_finding	 f;

	memset(input, 'x', len);
	f = fake_inspect("n=$(wc -c)\nprintf 'problem=\\npages=%s\\n"
	    "encrypted=0\\ndetail=\\n' $n", input, len);
	assert_problem(&f, INSPECT_OK);
	ck_assert_uint_eq(f.pages, len);
	free(input);
}
END_TEST

/*
 * A child that reads nothing and leaves: the writer gets EPIPE, and this
 * process, which does not ignore SIGPIPE, must not die of it.
 */
START_TEST(test_protocol_child_stops_reading)
{
	const size_t		 len = 8 * 1024 * 1024;
	char			*input = xcalloc(1, len);
	struct inspect_finding	 f;

	signal(SIGPIPE, SIG_DFL);
	f = fake_inspect("exec 0<&-\nsleep 0.1\nexit 0", input, len);
	assert_problem(&f, INSPECT_TOO_COMPLEX);
	free(input);
}
END_TEST

START_TEST(test_protocol_setup_failure)
{
	char	*cause = fake_inspect_fails("exit 2");

	ck_assert_ptr_nonnull(strstr(cause, "could not start"));
	free(cause);
}
END_TEST

/* Stopped from outside (the service stopping): no finding, a retry. */
START_TEST(test_protocol_stopped)
{
	char	*cause = fake_inspect_fails("kill -TERM $$");

	ck_assert_ptr_nonnull(strstr(cause, "SIGTERM"));
	free(cause);
	cause = fake_inspect_fails("kill -INT $$");
	ck_assert_ptr_nonnull(strstr(cause, "SIGINT"));
	free(cause);
}
END_TEST

START_TEST(test_protocol_no_such_program)
{
	struct inspect_finding	 f;
	char			*cause = NULL;

	ck_assert_int_eq(inspect_child_run("/nonexistent/tdkt-worker", &quick,
	    "%PDF-", 5, &f, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "could not start"));
	free(cause);
	assert_no_children();
}
END_TEST

/*
 * The child gets stdin, stdout and stderr only, and no signal blocked or
 * ignored, though this process (as the worker does) blocks SIGTERM,
 * ignores SIGPIPE and holds a descriptor without close-on-exec. (Of the
 * ignored set only signals 1-31 are looked at: posix_spawn leaves glibc's
 * two internal real-time signals, 32 and 33, ignored, and glibc in the
 * child takes them back.)
 */
START_TEST(test_protocol_child_environment)
{
	sigset_t		 set;
	int			 fd;
	char			*body;
	struct inspect_finding	 f;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_ge(fd = open("/dev/null", O_RDONLY), 3);
	body = xasprintf("[ -e /proc/$$/fd/%d ] && leak=1 || leak=0\n"
	    "blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' /proc/$$/status)\n"
	    "ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status)\n"
	    "ign=$(printf %%08x $((0x$ign & 0x7fffffff)))\n"
	    "cat >/dev/null\n"
	    "printf 'problem=\\npages=%%s\\nencrypted=0\\ndetail=%%s %%s\\n' "
	    "$leak $blk $ign", fd);
	f = fake_inspect(body, "%PDF-", 5);
	assert_problem(&f, INSPECT_OK);
	ck_assert_msg(f.pages == 0, "descriptor %d reached the child", fd);
	ck_assert_str_eq(f.detail, "0000000000000000 00000000");
	close(fd);
	free(body);
}
END_TEST

static Suite *
inspect_pdf_suite(void)
{
	Suite	*s = suite_create("inspect_pdf");
	TCase	*tc;

	tc = tcase_create("pdf");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_pdf_sound);
	tcase_add_test(tc, test_pdf_sound_nested_pages);
	tcase_add_test(tc, test_pdf_truncated);
	tcase_add_test(tc, test_pdf_damaged);
	tcase_add_test(tc, test_pdf_encrypted);
	tcase_add_test(tc, test_pdf_no_pages);
	tcase_add_test(tc, test_pdf_not_a_pdf);
	tcase_add_test(tc, test_pdf_concurrent);
	tcase_add_test(tc, test_child_main_bad_arguments);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_pdf_huge_count);
	tcase_add_test(tc, test_pdf_page_tree_loop);
	tcase_add_test(tc, test_pdf_deep_page_tree);
	tcase_add_test(tc, test_pdf_cpu_limit);
#if !defined(__SANITIZE_ADDRESS__)
	tcase_add_test(tc, test_pdf_memory_limit);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("protocol");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_protocol_wall_clock);
	tcase_add_test(tc, test_protocol_hangs_after_closing_stdout);
	tcase_add_test(tc, test_protocol_crash);
	tcase_add_test(tc, test_protocol_garbage_answers);
	tcase_add_test(tc, test_protocol_answer);
	tcase_add_test(tc, test_protocol_large_input);
	tcase_add_test(tc, test_protocol_child_stops_reading);
	tcase_add_test(tc, test_protocol_setup_failure);
	tcase_add_test(tc, test_protocol_stopped);
	tcase_add_test(tc, test_protocol_no_such_program);
	tcase_add_test(tc, test_protocol_child_environment);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(inspect_pdf_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
