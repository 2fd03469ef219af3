/*
 * cmd_register.c - `tdkt register`: emulation registration, one title at a
 * time or a whole list from the unit's spreadsheet, and `tdkt register
 * pact` for a block's signed pact.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "csv.h"
#include "output.h"
#include "xmalloc.h"

#define REGISTER_MAX_FILE	(4 * 1024 * 1024)
#define REGISTER_MAX_ROWS	5000

/* The registrations of a list file; NULL after printing its problems. */
static Tdkt__Registration **
register_read_list(const char *path, size_t *n)
{
	struct yamltree_errors	  errs = { 0 };
	struct csv		 *c;
	Tdkt__Registration	**items;
	const char		 *base;
	char			 *data;
	size_t			  len;
	int			  person, title, targets;

	if ((data = cmds_read_file(path, REGISTER_MAX_FILE, &len)) == NULL)
		return NULL;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	c = csv_parse(base, data, len, REGISTER_MAX_ROWS + 1, &errs);
	free(data);
	if (c == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.items[i]);
		yamltree_errors_free(&errs);
		return NULL;
	}
	person = csv_column(c, "person\0Mã cán bộ\0mã cán bộ\0");
	title = csv_column(c, "title\0Danh hiệu\0danh hiệu\0");
	targets = csv_column(c, "targets\0Chỉ tiêu\0chỉ tiêu\0");
	if (person < 0 || title < 0) {
		fprintf(stderr, "%s:1:1: the columns \"person\" (Mã cán bộ; empty "
		    "for the collective) and \"title\" (Danh hiệu) are required; "
		    "\"targets\" (Chỉ tiêu) is optional\n", base);
		csv_free(&c);
		return NULL;
	}
	*n = c->nrecords - 1;
	items = xcalloc(*n > 0 ? *n : 1, sizeof *items);
	for (size_t i = 0; i < *n; i++) {
		const struct csv_record *r = &c->records[i + 1];

		items[i] = xcalloc(1, sizeof *items[i]);
		tdkt__registration__init(items[i]);
		items[i]->person = xstrdup((size_t)person < r->nfields ?
		    r->fields[person] : "");
		items[i]->title = xstrdup((size_t)title < r->nfields ?
		    r->fields[title] : "");
		items[i]->targets = xstrdup(targets >= 0 &&
		    (size_t)targets < r->nfields ? r->fields[targets] : "");
		items[i]->source = xasprintf("%s:%zu", base, r->line);
	}
	csv_free(&c);
	return items;
}

static void
register_free_list(Tdkt__Registration **items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i]->person);
		free(items[i]->title);
		free(items[i]->targets);
		free(items[i]->source);
		free(items[i]);
	}
	free(items);
}

/* Sends `req` and prints the outcome; returns the exit code. */
static int
register_call(struct cmd_ctx *ctx, Tdkt__ClientEnvelope *req,
    Tdkt__ClientEnvelope__BodyCase expect)
{
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a = arena_new(4 * 1024 * 1024);
	int			 rc;
	struct output_json	 j;

	if ((rc = cmds_call(ctx, req, expect, a, &reply)) != EXIT_OK)
		goto out;
	if (expect == TDKT__CLIENT_ENVELOPE__BODY_REGISTER_REPLY) {
		const Tdkt__RegisterReply *r = reply->register_reply;

		if (ctx->json) {
			output_json_begin(&j, stdout);
			output_json_bool(&j, "ok", true);
			output_json_string(&j, "issuer", r->issuer);
			output_json_string(&j, "period", r->period);
			output_json_uint(&j, "version", r->version);
			output_json_uint(&j, "created", r->created);
			output_json_uint(&j, "updated", r->updated);
			output_json_end(&j);
		} else
			printf("Đã đăng ký thi đua theo quy định của %s kỳ %s: "
			    "%u mới, %u cập nhật.\n", r->issuer, r->period,
			    r->created, r->updated);
	} else {
		const Tdkt__PactReply *r = reply->pact_reply;

		if (ctx->json) {
			output_json_begin(&j, stdout);
			output_json_bool(&j, "ok", true);
			output_json_string(&j, "block", r->block);
			output_json_string(&j, "block_name", r->block_name);
			output_json_string(&j, "issuer", r->issuer);
			output_json_string(&j, "period", r->period);
			output_json_end(&j);
		} else
			printf("Đã ghi nhận giao ước thi đua của %s (%s, kỳ %s).\n",
			    r->block_name, r->issuer, r->period);
	}
out:
	arena_free(&a);
	return rc;
}

static int
register_pact(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "block", required_argument, NULL, 'b' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "signed", required_argument, NULL, 's' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PactRequest	pact = TDKT__PACT_REQUEST__INIT;
	int			ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			pact.block = optarg;
			break;
		case 'i':
			pact.issuer = optarg;
			break;
		case 's':
			pact.signed_on = optarg;
			break;
		case 'n':
			pact.note = optarg;
			break;
		default:
			cmds_usage(stderr, &cmd_register_entry);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || pact.block[0] == '\0' || pact.signed_on[0] == '\0') {
		cmds_usage(stderr, &cmd_register_entry);
		return EXIT_USAGE;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_PACT_REQUEST;
	req.pact_request = &pact;
	return register_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_PACT_REPLY);
}

static int
register_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "period", required_argument, NULL, 'p' },
		{ "title", required_argument, NULL, 't' },
		{ "person", required_argument, NULL, 'P' },
		{ "target", required_argument, NULL, 'g' },
		{ "file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	  req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RegisterRequest	  reg = TDKT__REGISTER_REQUEST__INIT;
	Tdkt__Registration	  one = TDKT__REGISTRATION__INIT;
	Tdkt__Registration	 *onep = &one, **list = NULL;
	const char		 *file = NULL;
	size_t			  n = 0;
	int			  ch, rc;

	if (argc >= 2 && strcmp(argv[1], "pact") == 0)
		return register_pact(ctx, argc - 1, argv + 1);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			reg.unit = optarg;
			break;
		case 'p':
			reg.period = optarg;
			break;
		case 't':
			one.title = optarg;
			break;
		case 'P':
			one.person = optarg;
			break;
		case 'g':
			one.targets = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		default:
			cmds_usage(stderr, &cmd_register_entry);
			return EXIT_USAGE;
		}
	}
	/* Either one title, or a file: not both, not neither. */
	if (optind != argc || reg.unit[0] == '\0' ||
	    (file == NULL) == (one.title[0] == '\0')) {
		cmds_usage(stderr, &cmd_register_entry);
		return EXIT_USAGE;
	}
	if (file != NULL) {
		if ((list = register_read_list(file, &n)) == NULL)
			return EXIT_USAGE;
		reg.items = list;
		reg.n_items = n;
	} else {
		reg.items = &onep;
		reg.n_items = 1;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTER_REQUEST;
	req.register_request = &reg;
	rc = register_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_REGISTER_REPLY);
	if (list != NULL)
		register_free_list(list, n);
	return rc;
}

const struct cmd_entry cmd_register_entry = {
	.name = "register",
	.args = "--unit MÃ [--period KỲ] (--title DANH_HIỆU [--person MÃ_CB] "
	    "[--target CHỈ_TIÊU] | --file DANH_SÁCH.csv)\n"
	    "       tdkt register pact --block MÃ_KHỐI --signed YYYY-MM-DD "
	    "[--issuer MÃ] [--note GHI_CHÚ]",
	.summary = "Đăng ký thi đua cho tập thể, cá nhân; ghi nhận giao ước của khối",
	.help = "Đơn vị đăng ký danh hiệu thi đua cho tập thể (không có --person) hoặc\n"
	    "cho từng cán bộ, theo quy định thi đua đang áp dụng cho đơn vị, trước hạn\n"
	    "đăng ký của quy định. Đăng ký lại cùng danh hiệu thì cập nhật chỉ tiêu.\n"
	    "\n"
	    "  --file TỆP.csv   bảng tổng hợp đăng ký: cột person (Mã cán bộ; để trống\n"
	    "                   cho tập thể), title (Danh hiệu), targets (Chỉ tiêu);\n"
	    "                   lưu tất cả hoặc không lưu gì\n"
	    "  --period KỲ      kỳ của quy định (mặc định: kỳ đang diễn ra)\n"
	    "  pact             ghi nhận bảng ký kết giao ước thi đua của khối\n",
	.exec = register_exec,
};
