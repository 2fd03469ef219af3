/*
 * cmd_rulebook.c - `tdkt rulebook load FILE` and `tdkt rulebook show`.
 *
 * `show` receives the YAML exactly as it was stored and reads it with the
 * same rulebook_parse the server used, so what is printed is what the
 * server enforces.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "date.h"
#include "output.h"
#include "rulebook.h"
#include "xmalloc.h"

#define RULEBOOK_ARENA_BUDGET	(16 * 1024 * 1024)
#define RULEBOOK_MAX_BYTES	(1024 * 1024)

static int
cmd_rulebook_load(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RulebookLoadRequest load = TDKT__RULEBOOK_LOAD_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__RulebookLoadReply *out;
	struct arena		*a;
	const char		*base;
	char			*data;
	size_t			 len;
	int			 rc = EXIT_OK;

	if (argc != 2) {
		cmds_usage(stderr, &cmd_rulebook_entry);
		return EXIT_USAGE;
	}
	if ((data = cmds_read_file(argv[1], RULEBOOK_MAX_BYTES, &len)) == NULL)
		return EXIT_USAGE;
	base = strrchr(argv[1], '/') != NULL ? strrchr(argv[1], '/') + 1 : argv[1];
	load.file_name = (char *)base;
	load.content.data = (uint8_t *)data;
	load.content.len = len;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_LOAD_REQUEST;
	req.rulebook_load_request = &load;
	a = arena_new(RULEBOOK_ARENA_BUDGET);
	if ((rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_LOAD_REPLY, a, &reply)) != EXIT_OK)
		goto out;
	if (ctx->json) {
		struct output_json j;

		out = reply->rulebook_load_reply;
		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_string(&j, "outcome", out->outcome);
		output_json_string(&j, "issuer", out->issuer);
		output_json_string(&j, "period", out->period);
		output_json_uint(&j, "version", out->version);
		output_json_end(&j);
	} else {
		out = reply->rulebook_load_reply;
		if (strcmp(out->outcome, "unchanged") == 0)
			printf("Quy định thi đua của %s kỳ %s không thay đổi "
			    "(đã có ở phiên bản %u).\n", out->issuer, out->period,
			    out->version);
		else
			printf("Đã nạp quy định thi đua của %s kỳ %s, phiên bản "
			    "%u.\n", out->issuer, out->period, out->version);
	}
out:
	arena_free(&a);
	free(data);
	return rc;
}

static const char *
rulebook_unit_name(const Tdkt__RulebookShowReply *s, const char *code)
{
	for (size_t i = 0; i < s->n_units; i++) {
		if (strcmp(s->units[i]->code, code) == 0)
			return s->units[i]->name;
	}
	return "";
}

static const char *
rulebook_target_vi(enum rulebook_target t)
{
	switch (t) {
	case RULEBOOK_INDIVIDUAL:
		return "cá nhân";
	case RULEBOOK_COLLECTIVE:
		return "tập thể";
	case RULEBOOK_BOTH:
		break;
	}
	return "cá nhân, tập thể";
}

static void
rulebook_print(const Tdkt__RulebookShowReply *s, const struct rulebook *rb)
{
	struct output_table	t;
	char			d1[DATE_BUF_SIZE], d2[DATE_BUF_SIZE], d3[DATE_BUF_SIZE];
	char			n[32];

	date_format_vn(rb->document_date, d1);
	output_field(stdout, 14, "Quy định:", "%s (%s)", s->issuer_name, s->issuer);
	output_field(stdout, 14, "Văn bản:", "%s ngày %s", rb->document_number, d1);
	if (rb->document_title != NULL)
		output_field(stdout, 14, "", "%s", rb->document_title);
	date_format_vn(rb->period_from, d1);
	date_format_vn(rb->period_to, d2);
	output_field(stdout, 14, "Kỳ:", "%s %s (%s – %s)",
	    rb->period_kind == RULEBOOK_SCHOOL_YEAR ? "năm học" : "năm",
	    rb->period, d1, d2);
	output_field(stdout, 14, "Phiên bản:", "%u (có %u phiên bản), tệp %s",
	    s->version, s->versions, s->source_name);
	if (rb->theme != NULL)
		output_field(stdout, 14, "Chủ đề:", "%s", rb->theme);

	for (size_t i = 0; i < rb->nphases; i++) {
		date_format_vn(rb->phases[i].from, d1);
		date_format_vn(rb->phases[i].to, d2);
		output_field(stdout, 14, i == 0 ? "Đợt thi đua:" : "", "%s: %s – %s",
		    rb->phases[i].name, d1, d2);
	}

	printf("\nDanh hiệu thi đua và hình thức khen thưởng\n");
	output_table_init(&t, 4, "Mã", "Tên", "Đối tượng", "Cấp quyết định");
	for (size_t i = 0; i < rb->ntitles; i++) {
		const struct rulebook_level *l = rulebook_level(rb,
		    rb->titles[i].decided_by);

		output_table_row(&t, rb->titles[i].code, rb->titles[i].name,
		    rulebook_target_vi(rb->titles[i].target),
		    l != NULL ? l->name : rb->titles[i].decided_by);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);

	printf("\nHồ sơ\n");
	output_table_init(&t, 6, "Mã", "Tên", "Từ ngày", "Đến ngày", "Hạn cuối",
	    "Tài liệu");
	for (size_t i = 0; i < rb->ndossier_types; i++) {
		const struct rulebook_dossier_type *d = &rb->dossier_types[i];

		date_format_vn(d->opens, d1);
		date_format_vn(d->closes, d2);
		date_format_vn(d->hard_deadline, d3);
		snprintf(n, sizeof n, "%zu", d->ndocuments);
		output_table_row(&t, d->code, d->name, d1, d2, d3, n);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);

	if (rb->nblocks > 0) {
		printf("\nKhối thi đua\n");
		output_table_init(&t, 4, "Mã", "Tên", "Khối trưởng", "Số đơn vị");
		for (size_t i = 0; i < rb->nblocks; i++) {
			const struct rulebook_block *b = &rb->blocks[i];

			snprintf(n, sizeof n, "%zu", b->nmembers);
			output_table_row(&t, b->code, b->name,
			    rulebook_unit_name(s, b->leader.code), n);
		}
		output_table_print(stdout, &t);
		output_table_clear(&t);
	}
}

static int
cmd_rulebook_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "issuer", required_argument, NULL, 'i' },
		{ "period", required_argument, NULL, 'p' },
		{ "version", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RulebookShowRequest show = TDKT__RULEBOOK_SHOW_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__RulebookShowReply *s;
	struct yamltree_errors	 errs = { 0 };
	struct rulebook		*rb;
	struct arena		*a;
	char			*end;
	int			 ch, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			show.issuer = optarg;
			break;
		case 'p':
			show.period = optarg;
			break;
		case 'v':
			show.version = (uint32_t)strtoul(optarg, &end, 10);
			if (*end == '\0' && show.version > 0)
				break;
			/* FALLTHROUGH */
		default:
			cmds_usage(stderr, &cmd_rulebook_entry);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmds_usage(stderr, &cmd_rulebook_entry);
		return EXIT_USAGE;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_SHOW_REQUEST;
	req.rulebook_show_request = &show;
	a = arena_new(RULEBOOK_ARENA_BUDGET);
	rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_SHOW_REPLY, a, &reply);
	if (rc != EXIT_OK) {
		arena_free(&a);
		return rc;
	}
	s = reply->rulebook_show_reply;
	if (ctx->json) {
		struct output_json	 j;
		char			*source = xstrndup((const char *)s->source.data,
					    s->source.len);

		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_string(&j, "issuer", s->issuer);
		output_json_string(&j, "issuer_name", s->issuer_name);
		output_json_string(&j, "period", s->period);
		output_json_uint(&j, "version", s->version);
		output_json_uint(&j, "versions", s->versions);
		output_json_string(&j, "source_name", s->source_name);
		output_json_uint(&j, "loaded_at_unix_ms",
		    (uint64_t)s->loaded_at_unix_ms);
		output_json_string(&j, "source", source);
		output_json_end(&j);
		free(source);
	} else if ((rb = rulebook_parse(s->source_name,
	    (const char *)s->source.data, s->source.len, &errs)) == NULL) {
		fprintf(stderr, "tdkt: phiên bản này của chương trình không đọc "
		    "được quy định đã lưu; hãy cập nhật tdkt\n");
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.items[i]);
		yamltree_errors_free(&errs);
		rc = EXIT_SERVER_ERROR;
	} else {
		rulebook_print(s, rb);
		rulebook_free(&rb);
	}
	arena_free(&a);
	return rc;
}

static int
rulebook_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "load") == 0)
		return cmd_rulebook_load(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return cmd_rulebook_show(ctx, argc - 1, argv + 1);
	cmds_usage(stderr, &cmd_rulebook_entry);
	return EXIT_USAGE;
}

const struct cmd_entry cmd_rulebook_entry = {
	.name = "rulebook",
	.args = "load TỆP | show [--issuer MÃ] [--period KỲ] [--version N]",
	.summary = "Nạp và xem quy định thi đua của một năm (tệp YAML)",
	.help = "  load TỆP   kiểm tra và nạp tệp quy định thi đua (xem config/rulebooks/);\n"
	    "             mọi lỗi được liệt kê dạng tệp:dòng:cột: thông báo, và không\n"
	    "             có gì được lưu nếu tệp có lỗi. Nạp lại tệp đã sửa tạo phiên\n"
	    "             bản mới; hồ sơ đã tạo vẫn theo phiên bản cũ.\n"
	    "  show       in quy định đã nạp: danh hiệu, hồ sơ và thời hạn, khối thi\n"
	    "             đua. Mặc định là quy định được nạp gần nhất.\n"
	    "    --issuer MÃ    đơn vị ban hành, ví dụ PGDDT-Q1\n"
	    "    --period KỲ    năm học (2023-2024) hoặc năm (2024)\n"
	    "    --version N    một phiên bản cụ thể\n",
	.exec = rulebook_exec,
};
