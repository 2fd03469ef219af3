/*
 * cmd_dossier_nominate.c - `tdkt dossier nominate`: who a dossier proposes
 * for which title, one at a time or a whole list from the unit's
 * spreadsheet, and taking a proposal out again.
 *
 * A list is checked here first, every problem reported as file:line:col so
 * the person fixing the spreadsheet finds each cell, and sent only when it
 * is clean; the server then adds all of it or none. Each nominee carries
 * its "file:line" so the server's complaints point at the row too.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_args.h"
#include "cmd_dossier.h"
#include "csv.h"
#include "dossier_output.h"
#include "xmalloc.h"

#define NOMINATE_MAX_FILE	(4 * 1024 * 1024)
#define NOMINATE_MAX_ROWS	5000

/*
 * The nominees of a list file. The strings stay in `csv`, which the list
 * keeps until it is freed.
 */
struct nominate_list {
	struct csv	 *csv;
	Tdkt__Nominee	 *nominees;
	Tdkt__Nominee	**pointers;	/* to each of nominees, for the request */
	char		**sources;	/* "file:line" of each */
	size_t		  n;
};

static void
nominate_list_free(struct nominate_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->sources[i]);
	free(list->sources);
	free(list->pointers);
	free(list->nominees);
	csv_free(&list->csv);
	memset(list, 0, sizeof *list);
}

/* The field `column` of record `r`; "" when the row is short or no column. */
static char *
nominate_field(const struct csv_record *r, int column)
{
	if (column < 0 || (size_t)column >= r->nfields)
		return "";
	return r->fields[column];
}

/*
 * Reads the list at `path` into `list`. Returns 0, or -1 after printing
 * every problem found as file:line:col: message.
 */
static int
nominate_list_read(const char *path, struct nominate_list *list)
{
	struct yamltree_errors	 errs = { 0 };
	const char		*base;
	char			*data;
	size_t			 len, problems = 0;
	int			 person, title, summary;

	memset(list, 0, sizeof *list);
	if ((data = cmds_read_file(path, NOMINATE_MAX_FILE, &len)) == NULL)
		return -1;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	list->csv = csv_parse(base, data, len, NOMINATE_MAX_ROWS + 1, &errs);
	free(data);
	if (list->csv == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.items[i]);
		yamltree_errors_free(&errs);
		return -1;
	}
	person = csv_column(list->csv, "person\0Mã cán bộ\0mã cán bộ\0");
	title = csv_column(list->csv, "title\0Danh hiệu\0danh hiệu\0");
	summary = csv_column(list->csv,
	    "summary\0Tóm tắt thành tích\0tóm tắt thành tích\0");
	if (person < 0 || title < 0) {
		fprintf(stderr, "%s:1:1: cần các cột \"person\" (Mã cán bộ; để "
		    "trống cho tập thể) và \"title\" (Danh hiệu); cột "
		    "\"summary\" (Tóm tắt thành tích) không bắt buộc\n", base);
		nominate_list_free(list);
		return -1;
	}
	if (list->csv->nrecords < 2) {
		fprintf(stderr, "%s:2:1: danh sách không có dòng nào\n", base);
		nominate_list_free(list);
		return -1;
	}

	list->n = list->csv->nrecords - 1;
	list->nominees = xcalloc(list->n, sizeof *list->nominees);
	list->pointers = xcalloc(list->n, sizeof *list->pointers);
	list->sources = xcalloc(list->n, sizeof *list->sources);
	for (size_t i = 0; i < list->n; i++) {
		const struct csv_record	*r = &list->csv->records[i + 1];
		Tdkt__Nominee		*nominee = &list->nominees[i];

		tdkt__nominee__init(nominee);
		nominee->person = nominate_field(r, person);
		nominee->title = nominate_field(r, title);
		nominee->summary = nominate_field(r, summary);
		list->sources[i] = xasprintf("%s:%zu", base, r->line);
		nominee->source = list->sources[i];
		list->pointers[i] = nominee;
		if (nominee->title[0] != '\0')
			continue;
		/* Point at the empty cell when the row has it. */
		if ((size_t)title < r->nfields)
			fprintf(stderr, "%s:%zu:%zu: thiếu danh hiệu đề nghị\n",
			    base, r->lines[title], r->columns[title]);
		else
			fprintf(stderr, "%s:%zu:1: thiếu danh hiệu đề nghị (dòng "
			    "không đủ cột)\n", base, r->line);
		problems++;
	}
	if (problems > 0) {
		nominate_list_free(list);
		return -1;
	}
	return 0;
}

int
cmd_dossier_nominate_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "person", required_argument, NULL, 'P' },
		{ "title", required_argument, NULL, 't' },
		{ "summary", required_argument, NULL, 's' },
		{ "file", required_argument, NULL, 'f' },
		{ "remove", no_argument, NULL, 'r' },
		{ "if-version", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierNominateRequest	 nominate =
					    TDKT__DOSSIER_NOMINATE_REQUEST__INIT;
	Tdkt__Nominee			 one = TDKT__NOMINEE__INIT;
	Tdkt__Nominee			*onep = &one;
	const Tdkt__DossierActReply	*r;
	struct nominate_list		 list = { 0 };
	const char			*file = NULL;
	char				*headline;
	bool				 remove = false, person = false;
	struct arena			*a;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'P':
			one.person = optarg;
			person = true;
			break;
		case 't':
			one.title = optarg;
			break;
		case 's':
			one.summary = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'r':
			remove = true;
			break;
		case 'v':
			if (cmd_args_uint32("--if-version", optarg, 1,
			    &nominate.if_version) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			break;
		default:
			return cmd_args_usage_error(&cmd_dossier_entry, NULL);
		}
	}
	/* Exactly one of: one title, a file; a file is only ever added. */
	if (file != NULL && (person || one.title[0] != '\0' ||
	    one.summary[0] != '\0' || remove))
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier nominate --file không đi cùng --person, --title, "
		    "--summary hay --remove");
	if (file == NULL && one.title[0] == '\0')
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier nominate cần --title hoặc --file");
	if (remove && one.summary[0] != '\0')
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier nominate --remove không nhận --summary");
	if ((rc = cmd_args_one_dossier_id(&cmd_dossier_entry, argc - optind,
	    argv + optind, &nominate.dossier_id)) != EXIT_OK)
		return rc;

	if (file != NULL) {
		if (nominate_list_read(file, &list) < 0)
			return EXIT_USAGE;
		nominate.add = list.pointers;
		nominate.n_add = list.n;
		/* The server checks every row in one transaction. */
		conn_set_timeout(ctx->conn, ctx->conf->timeout_ms +
		    (int64_t)list.n);
	} else if (remove) {
		nominate.remove = &onep;
		nominate.n_remove = 1;
	} else {
		nominate.add = &onep;
		nominate.n_add = 1;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NOMINATE_REQUEST;
	req.dossier_nominate_request = &nominate;
	a = arena_new(CMD_DOSSIER_ARENA + NOMINATE_MAX_FILE);
	rc = cmd_dossier_act(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NOMINATE_REPLY, a, &r);
	if (rc == EXIT_OK) {
		if (remove)
			headline = xasprintf("Đã bỏ đề nghị %s cho %s khỏi hồ sơ "
			    "số %llu; phiên bản %u.", one.title,
			    one.person[0] != '\0' ? one.person : "tập thể đơn vị",
			    (unsigned long long)r->dossier_id, r->version);
		else
			headline = xasprintf("Đã thêm %zu đề nghị vào hồ sơ số "
			    "%llu; phiên bản %u.", nominate.n_add,
			    (unsigned long long)r->dossier_id, r->version);
		dossier_output_act(ctx->json, r, headline);
		free(headline);
	}
	arena_free(&a);
	nominate_list_free(&list);
	return rc;
}
