/*
 * cmd_inbox.c - `tdkt inbox`: the caller's notices, and marking them read.
 *
 * The inbox holds what the reminder planner sent the caller: reminders of a
 * coming deadline for their unit and, for an office's specialists and head,
 * notices that a school under them let a deadline pass. `inbox` lists them
 * newest first, as a table or (--full) whole; `inbox read` and `inbox
 * unread` mark some or all of them. Reading a list never marks anything: a
 * notice stays unread until its reader says otherwise. The server keeps the
 * inbox and decides what is in it; this file parses, asks and prints.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_args.h"
#include "output.h"
#include "xmalloc.h"

/*
 * Notices listed when --limit is not given, and the most the server lists.
 * The client always says how many it wants, so it knows when the list may
 * have been cut short.
 */
#define INBOX_LIMIT_DEFAULT	50
#define INBOX_LIMIT_MAX		500

/* Notices one `inbox read|unread` may name, as the server accepts. */
#define INBOX_MARK_MAX		1000

/*
 * Code points of a subject in the table, and the bytes that takes. The
 * subject is what a list is read for (it names the dossier, the deadline
 * and, for an overdue notice, the school), so it is shown whole; the bound
 * only keeps one line of it sane.
 */
#define INBOX_SUBJECT_SHOWN	300
#define INBOX_SUBJECT_BUF	(INBOX_SUBJECT_SHOWN * 4 + sizeof "…")

/* Width of the labels of `inbox --full`. */
#define INBOX_LABEL		10

/* "nhắc hạn" for "reminder"; the code itself when unknown. */
static const char *
inbox_kind_name(const char *kind)
{
	if (strcmp(kind, "reminder") == 0)
		return "nhắc hạn";
	if (strcmp(kind, "escalation") == 0)
		return "báo quá hạn";
	return kind;
}

static void
inbox_json(const Tdkt__InboxListReply *r)
{
	struct output_json	j;

	output_json_begin(&j, stdout);
	output_json_bool(&j, "ok", true);
	output_json_uint(&j, "unread", r->unread);
	jsonw_key(&j.w, "messages");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < r->n_messages; i++) {
		const Tdkt__InboxMessage	*m = r->messages[i];

		jsonw_object_begin(&j.w);
		jsonw_key(&j.w, "id");
		jsonw_uint(&j.w, m->id);
		jsonw_key(&j.w, "kind");
		jsonw_string(&j.w, m->kind);
		jsonw_key(&j.w, "read");
		jsonw_bool(&j.w, m->read);
		jsonw_key(&j.w, "planned_at_ms");
		jsonw_int(&j.w, m->planned_at_ms);
		jsonw_key(&j.w, "created_at_ms");
		jsonw_int(&j.w, m->created_ms);
		jsonw_key(&j.w, "unit");
		jsonw_string(&j.w, m->unit_code);
		jsonw_key(&j.w, "unit_name");
		jsonw_string(&j.w, m->unit_name);
		jsonw_key(&j.w, "type_code");
		jsonw_string(&j.w, m->type_code);
		jsonw_key(&j.w, "dossier_id");
		jsonw_uint(&j.w, m->dossier_id);
		jsonw_key(&j.w, "subject");
		jsonw_string(&j.w, m->subject);
		jsonw_key(&j.w, "body");
		jsonw_string(&j.w, m->body);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);
	output_json_end(&j);
}

/* The dossier a notice is about: "CUOI_NAM", "CUOI_NAM #12" or "—". */
static void
inbox_dossier(const Tdkt__InboxMessage *m, char buf[96])
{
	const char	*type = m->type_code[0] != '\0' ? m->type_code : "—";

	if (m->dossier_id != 0)
		snprintf(buf, 96, "%s #%" PRIu64, type, m->dossier_id);
	else
		snprintf(buf, 96, "%s", type);
}

static void
inbox_print_table(const Tdkt__InboxListReply *r)
{
	struct output_table	t;

	output_table_init(&t, 7, "Số", "", "Gửi lúc", "Loại", "Đơn vị",
	    "Hồ sơ", "Tiêu đề");
	for (size_t i = 0; i < r->n_messages; i++) {
		const Tdkt__InboxMessage	*m = r->messages[i];
		char				 id[24], when[32], dossier[96];
		char				 subject[INBOX_SUBJECT_BUF];

		snprintf(id, sizeof id, "%" PRIu64, m->id);
		output_time_vn(m->planned_at_ms, when);
		inbox_dossier(m, dossier);
		output_shorten(m->subject, INBOX_SUBJECT_SHOWN, subject,
		    sizeof subject);
		/* The code: the unit's name is in the subject or is ours. */
		output_table_row(&t, id, m->read ? "" : "●", when,
		    inbox_kind_name(m->kind), m->unit_code[0] != '\0' ?
		    m->unit_code : "—", dossier, subject);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

/* Every notice whole: a heading, what it is about, then its body. */
static void
inbox_print_full(const Tdkt__InboxListReply *r)
{
	for (size_t i = 0; i < r->n_messages; i++) {
		const Tdkt__InboxMessage	*m = r->messages[i];
		char				 when[32], dossier[96];

		if (i > 0)
			printf("\n");
		output_time_vn(m->planned_at_ms, when);
		inbox_dossier(m, dossier);
		printf("%s Thông báo số %" PRIu64 " — %s, gửi lúc %s%s\n",
		    m->read ? " " : "●", m->id, inbox_kind_name(m->kind), when,
		    m->read ? "" : " (chưa đọc)");
		if (m->unit_name[0] != '\0')
			output_field(stdout, INBOX_LABEL, "  Đơn vị", "%s (%s)",
			    m->unit_name, m->unit_code);
		else
			output_field(stdout, INBOX_LABEL, "  Đơn vị", "%s",
			    m->unit_code[0] != '\0' ? m->unit_code : "—");
		output_field(stdout, INBOX_LABEL, "  Hồ sơ", "%s", dossier);
		output_field(stdout, INBOX_LABEL, "  Tiêu đề", "%s",
		    m->subject);
		if (m->body[0] != '\0') {
			printf("\n");
			output_indented(stdout, "    ", m->body);
		}
	}
}

/* What an empty list means, given what was asked. */
static void
inbox_print_empty(const Tdkt__InboxListRequest *in)
{
	if (in->before_id != 0)
		printf("Không có thông báo%s nào cũ hơn số %" PRIu64 ".\n",
		    in->unread_only ? " chưa đọc" : "", in->before_id);
	else if (in->unread_only)
		printf("Không có thông báo nào chưa đọc.\n");
	else
		printf("Hộp thư trống.\n");
}

static void
inbox_print(const Tdkt__InboxListRequest *in, const Tdkt__InboxListReply *r,
    bool full)
{
	if (r->n_messages == 0) {
		inbox_print_empty(in);
		/* Unless older pages hold unread notices, that said it all. */
		if (r->unread == 0 || (in->unread_only && in->before_id == 0))
			return;
	} else if (full)
		inbox_print_full(r);
	else
		inbox_print_table(r);

	if (r->n_messages > 0 && r->n_messages >= in->limit)
		printf("\n(Chỉ hiện %zu thông báo; xem các thông báo cũ hơn: "
		    "tdkt inbox%s --before %" PRIu64 ")\n", r->n_messages,
		    in->unread_only ? " --unread" : "",
		    r->messages[r->n_messages - 1]->id);
	if (r->unread > 0)
		printf("\nCòn %" PRIu32 " thông báo chưa đọc; đánh dấu đã đọc: "
		    "tdkt inbox read SỐ... (hoặc --all).\n", r->unread);
	else
		printf("\nKhông còn thông báo nào chưa đọc.\n");
}

static int
inbox_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unread", no_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'l' },
		{ "before", required_argument, NULL, 'b' },
		{ "full", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__InboxListRequest	 list = TDKT__INBOX_LIST_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	uint64_t		 limit = INBOX_LIMIT_DEFAULT, before;
	bool			 full = false;
	int			 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			list.unread_only = true;
			break;
		case 'l':
			if (cmd_args_number("--limit", optarg, 1,
			    INBOX_LIMIT_MAX, &limit) < 0)
				return cmd_args_usage_error(&cmd_inbox_entry,
				    NULL);
			break;
		case 'b':
			/* Ids are PostgreSQL bigints: never above INT64_MAX. */
			if (cmd_args_number("--before", optarg, 1, INT64_MAX,
			    &before) < 0)
				return cmd_args_usage_error(&cmd_inbox_entry,
				    NULL);
			list.before_id = before;
			break;
		case 'f':
			full = true;
			break;
		case 'j':
			ctx->json = true;
			break;
		default:
			return cmd_args_usage_error(&cmd_inbox_entry, NULL);
		}
	}
	if (optind != argc)
		return cmd_args_usage_error(&cmd_inbox_entry, "inbox không có "
		    "lệnh con \"%s\" (chỉ có read và unread)", argv[optind]);
	list.limit = (uint32_t)limit;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_LIST_REQUEST;
	req.inbox_list_request = &list;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_INBOX_LIST_REPLY,
	    a, &reply);
	if (rc == EXIT_OK && ctx->json)
		inbox_json(reply->inbox_list_reply);
	else if (rc == EXIT_OK)
		inbox_print(&list, reply->inbox_list_reply, full);
	arena_free(&a);
	return rc;
}

static int
inbox_id_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Parses the ids left on the command line into a sorted array without
 * repeats, so "changed" can be compared with how many were meant. Returns
 * it (the caller frees) with *n set, or NULL after saying what is wrong.
 */
static uint64_t *
inbox_ids(int nargs, char **args, size_t *n)
{
	uint64_t	*ids;
	size_t		 kept = 0;

	if (nargs > INBOX_MARK_MAX) {
		fprintf(stderr, "tdkt: mỗi lần chỉ đánh dấu được nhiều nhất %d "
		    "thông báo (có %d số)\n", INBOX_MARK_MAX, nargs);
		return NULL;
	}
	ids = xcalloc((size_t)nargs, sizeof *ids);
	for (int i = 0; i < nargs; i++) {
		/* Ids are PostgreSQL bigints: never above INT64_MAX. */
		if (cmd_args_number("số thông báo", args[i], 1, INT64_MAX,
		    &ids[i]) < 0) {
			free(ids);
			return NULL;
		}
	}
	qsort(ids, (size_t)nargs, sizeof *ids, inbox_id_cmp);
	for (size_t i = 0; i < (size_t)nargs; i++) {
		if (kept == 0 || ids[kept - 1] != ids[i])
			ids[kept++] = ids[i];
	}
	*n = kept;
	return ids;
}

static void
inbox_mark_print(bool json, const Tdkt__InboxMarkRequest *in,
    const Tdkt__InboxMarkReply *r)
{
	struct output_json	j;

	if (json) {
		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_uint(&j, "changed", r->changed);
		output_json_uint(&j, "unread", r->unread);
		output_json_end(&j);
		return;
	}
	printf("Đã đánh dấu %" PRIu32 " thông báo là %s; %s %" PRIu32 " thông "
	    "báo chưa đọc.\n", r->changed, in->unread ? "chưa đọc" : "đã đọc",
	    in->unread ? "có" : "còn", r->unread);
	/* Ids the server did not change were already so, or are not ours. */
	if (!in->all && r->changed < in->n_ids)
		printf("(%zu thông báo không thay đổi: vốn đã %s, hoặc không "
		    "có trong hộp thư của bạn.)\n", in->n_ids - r->changed,
		    in->unread ? "ở trạng thái chưa đọc" : "được đọc");
}

/* `inbox read SỐ...|--all` and `inbox unread SỐ...`; argv[0] is the sub. */
static int
inbox_mark(struct cmd_ctx *ctx, int argc, char **argv, bool unread)
{
	static const struct option read_longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct option unread_longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__InboxMarkRequest	 mark = TDKT__INBOX_MARK_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	uint64_t		*ids = NULL;
	size_t			 n = 0;
	char			 key[33];
	int			 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", unread ? unread_longopts :
	    read_longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			mark.all = true;
			break;
		case 'j':
			ctx->json = true;
			break;
		default:
			return cmd_args_usage_error(&cmd_inbox_entry, NULL);
		}
	}
	if (mark.all && optind != argc)
		return cmd_args_usage_error(&cmd_inbox_entry, "inbox read nhận "
		    "hoặc --all, hoặc các SỐ thông báo, không nhận cả hai");
	if (!mark.all && optind == argc)
		return cmd_args_usage_error(&cmd_inbox_entry, unread ?
		    "inbox unread cần ít nhất một SỐ thông báo" :
		    "inbox read cần ít nhất một SỐ thông báo, hoặc --all");
	if (!mark.all && (ids = inbox_ids(argc - optind, argv + optind,
	    &n)) == NULL)
		return cmd_args_usage_error(&cmd_inbox_entry, NULL);
	mark.ids = ids;
	mark.n_ids = n;
	mark.unread = unread;

	/* One key for every retry, as for every change. */
	conn_new_idempotency_key(key);
	req.idempotency_key = key;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_MARK_REQUEST;
	req.inbox_mark_request = &mark;
	a = arena_new(1024 * 1024);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_INBOX_MARK_REPLY,
	    a, &reply);
	if (rc == EXIT_OK)
		inbox_mark_print(ctx->json, &mark, reply->inbox_mark_reply);
	arena_free(&a);
	free(ids);
	return rc;
}

static int
inbox_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char	*sub = argc > 1 ? argv[1] : "";

	/* The sub-command's own name becomes argv[0] for getopt. */
	if (strcmp(sub, "read") == 0)
		return inbox_mark(ctx, argc - 1, argv + 1, false);
	if (strcmp(sub, "unread") == 0)
		return inbox_mark(ctx, argc - 1, argv + 1, true);
	return inbox_list(ctx, argc, argv);
}

const struct cmd_entry cmd_inbox_entry = {
	.name = "inbox",
	.args = "[--unread] [--limit N] [--before SỐ] [--full]\n"
	    "       tdkt inbox read SỐ...|--all\n"
	    "       tdkt inbox unread SỐ...",
	.summary = "Hộp thư: thông báo nhắc hạn và báo quá hạn gửi cho bạn",
	.help =
	    "Thông báo gửi cho bạn: nhắc hạn nộp hồ sơ của đơn vị bạn, và với "
	    "chuyên viên,\n"
	    "lãnh đạo phòng, sở: báo các trường trực thuộc đã quá hạn. Mới "
	    "nhất trước; dấu\n"
	    "● đánh dấu thông báo chưa đọc. Xem danh sách không làm thay đổi "
	    "gì: thông báo\n"
	    "vẫn chưa đọc cho đến khi bạn đánh dấu.\n"
	    "\n"
	    "  --unread       chỉ những thông báo chưa đọc\n"
	    "  --limit N      nhiều nhất N thông báo (mặc định 50, tối đa "
	    "500)\n"
	    "  --before SỐ    những thông báo cũ hơn thông báo số SỐ (xem "
	    "trang tiếp)\n"
	    "  --full         in đầy đủ từng thông báo, kể cả nội dung, thay "
	    "cho bảng\n"
	    "\n"
	    "  read SỐ...     đánh dấu đã đọc các thông báo này (tối đa 1000 "
	    "số một lần)\n"
	    "  read --all     đánh dấu đã đọc mọi thông báo trong hộp thư\n"
	    "  unread SỐ...   đánh dấu lại là chưa đọc\n"
	    "\n"
	    "Giờ in theo giờ Việt Nam. Với --json: danh sách là một đối tượng "
	    "{ok, unread,\n"
	    "messages}, mỗi thông báo có id, kind (reminder hoặc escalation), "
	    "read,\n"
	    "planned_at_ms, created_at_ms, unit, unit_name, type_code, "
	    "dossier_id, subject,\n"
	    "body; read và unread in {ok, changed, unread}.\n",
	.exec = inbox_exec,
};
