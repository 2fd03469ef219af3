/*
 * cmd_review.c - the reviewing side of dossiers: `tdkt review` (approve,
 * return or reject what awaits your level), `tdkt queue` (what awaits it),
 * `tdkt decide` (record the commendation decision) and `tdkt extension
 * grant` (let a unit submit after its window closed).
 *
 * Four commands, one entry each, in one file because they are the four
 * things a reviewing office does; every change carries an idempotency key,
 * so a retried request never forwards or decides twice.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_args.h"
#include "cmd_dossier.h"
#include "dossier_names.h"
#include "dossier_output.h"
#include "log.h"
#include "output.h"
#include "xmalloc.h"

/* `tdkt review` ---------------------------------------------------------- */

static int
review_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "comment", required_argument, NULL, 'c' },
		{ "if-version", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__ReviewRequest		 review = TDKT__REVIEW_REQUEST__INIT;
	const Tdkt__DossierActReply	*r;
	const char			*verdict, *done;
	char				*headline;
	struct arena			*a;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			review.comment = optarg;
			break;
		case 'v':
			if (cmd_args_uint32("--if-version", optarg, 1,
			    &review.if_version) < 0)
				return cmd_args_usage_error(&cmd_review_entry,
				    NULL);
			break;
		default:
			return cmd_args_usage_error(&cmd_review_entry, NULL);
		}
	}
	if (optind != argc - 2)
		return cmd_args_usage_error(&cmd_review_entry, "review cần "
		    "SỐ_HỒ_SƠ và một trong approve, return, reject");
	if (cmd_args_dossier_id(argv[optind], &review.dossier_id) < 0)
		return cmd_args_usage_error(&cmd_review_entry, NULL);
	verdict = argv[optind + 1];
	if (strcmp(verdict, "approve") == 0) {
		review.verdict = TDKT__REVIEW_REQUEST__VERDICT__VERDICT_APPROVE;
		done = "Đã duyệt";
	} else if (strcmp(verdict, "return") == 0) {
		review.verdict = TDKT__REVIEW_REQUEST__VERDICT__VERDICT_RETURN;
		done = "Đã trả lại cho đơn vị";
	} else if (strcmp(verdict, "reject") == 0) {
		review.verdict = TDKT__REVIEW_REQUEST__VERDICT__VERDICT_REJECT;
		done = "Đã không chấp thuận";
	} else
		return cmd_args_usage_error(&cmd_review_entry, "\"%s\" không "
		    "phải approve, return hay reject", verdict);
	/* The unit must learn why; the server insists too. */
	if (review.verdict != TDKT__REVIEW_REQUEST__VERDICT__VERDICT_APPROVE &&
	    review.comment[0] == '\0')
		return cmd_args_usage_error(&cmd_review_entry,
		    "cần --comment nêu lý do");

	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_REVIEW_REQUEST;
	req.review_request = &review;
	a = arena_new(CMD_DOSSIER_ARENA);
	rc = cmd_dossier_act(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_REVIEW_REPLY,
	    a, &r);
	if (rc == EXIT_OK) {
		headline = xasprintf("%s hồ sơ số %llu; trạng thái: %s (phiên "
		    "bản %u).", done, (unsigned long long)r->dossier_id,
		    dossier_state_name(r->state), r->version);
		dossier_output_act(ctx->json, r, headline);
		free(headline);
	}
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_review_entry = {
	.name = "review",
	.args = "SỐ_HỒ_SƠ approve|return|reject [--comment LÝ_DO] "
	    "[--if-version N]",
	.summary = "Xét duyệt hồ sơ: chuyển lên, trả lại hoặc không chấp thuận",
	.help = "Chỉ cấp mà hồ sơ đang chờ (xem `tdkt queue`) mới xét được.\n"
	    "\n"
	    "  approve    đồng ý, chuyển hồ sơ lên cấp tiếp theo trong chuỗi "
	    "xét duyệt\n"
	    "  return     trả lại đơn vị để bổ sung, sửa chữa rồi nộp lại\n"
	    "  reject     không chấp thuận; hồ sơ kết thúc tại đây\n"
	    "\n"
	    "  --comment LÝ_DO   ý kiến gửi đơn vị; bắt buộc khi return hoặc "
	    "reject\n"
	    "  --if-version N    chỉ thực hiện nếu hồ sơ vẫn ở phiên bản N\n",
	.exec = review_exec,
};

/* `tdkt queue` ----------------------------------------------------------- */

static void
queue_print(const Tdkt__DossierListReply *r)
{
	struct output_table	t;
	char			id[24], since[32], left[32];
	char			due[DOSSIER_OUTPUT_DATE_SIZE];

	if (r->n_dossiers == 0) {
		printf("Không có hồ sơ nào đang chờ.\n");
		return;
	}
	output_table_init(&t, 8, "Số", "Đơn vị", "Loại", "Trạng thái", "Cấp",
	    "Chờ từ", "Hạn", "Còn");
	for (size_t i = 0; i < r->n_dossiers; i++) {
		const Tdkt__Dossier *d = r->dossiers[i];

		snprintf(id, sizeof id, "%llu", (unsigned long long)d->id);
		output_time(d->awaiting_since_unix_ms, since);
		dossier_output_days_left(d->due, d->days_left, left);
		output_table_row(&t, id, d->unit_name[0] != '\0' ? d->unit_name :
		    d->unit, d->type, dossier_state_name(d->state),
		    dossier_output_level(d->level, d->level_name), since,
		    d->due[0] != '\0' ? dossier_output_date(d->due, due) : "—",
		    left);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static int
queue_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__QueueRequest	 queue = TDKT__QUEUE_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__DossierListReply *r;
	struct arena		*a;
	int			 rc;

	if (argc != 1)
		return cmd_args_usage_error(&cmd_queue_entry,
		    "queue không nhận tham số \"%s\"", argv[1]);
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_QUEUE_REQUEST;
	req.queue_request = &queue;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	if ((rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_QUEUE_REPLY,
	    a, &reply)) != EXIT_OK)
		goto out;
	r = reply->queue_reply;
	if (!ctx->json) {
		queue_print(r);
		goto out;
	}
	dossier_output_list_json(r);
out:
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_queue_entry = {
	.name = "queue",
	.args = "",
	.summary = "Hồ sơ đang chờ đơn vị tôi xét duyệt",
	.help = "Hồ sơ chờ lâu nhất ở trên cùng. Cột Còn là số ngày đến hạn xử "
	    "lý của cấp\nđang xét. Với --json: mỗi dòng một đối tượng JSON.\n",
	.exec = queue_exec,
};

/* `tdkt decide` ---------------------------------------------------------- */

/*
 * The nominees --exclude names ("PERSON:TITLE") or --period-of gives an
 * achievement period of their own ("PERSON:TITLE:FROM:TO"); PERSON is empty
 * for the unit's collective. The strings are copies the list owns.
 */
struct decide_list {
	Tdkt__Nominee	 *nominees;
	Tdkt__Nominee	**pointers;
	size_t		  n, cap;
};

static void
decide_list_init(struct decide_list *x, size_t cap)
{
	x->cap = cap;
	x->n = 0;
	x->nominees = xcalloc(cap, sizeof *x->nominees);
	x->pointers = xcalloc(cap, sizeof *x->pointers);
}

static void
decide_list_free(struct decide_list *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->nominees[i].person);
		free(x->nominees[i].title);
		free(x->nominees[i].achievement_from);
		free(x->nominees[i].achievement_to);
	}
	free(x->nominees);
	free(x->pointers);
	memset(x, 0, sizeof *x);
}

/*
 * Adds "PERSON:TITLE", or with `period` "PERSON:TITLE:FROM:TO"; -1 after
 * saying why if it is not that. Codes hold no ':', so it splits cleanly.
 */
static int
decide_list_add(struct decide_list *x, const char *arg, bool period)
{
	char		*copy = xstrdup(arg), *field[4] = { NULL };
	char		*rest = copy;
	size_t		 n = 0;
	Tdkt__Nominee	*nom;

	while (n < 4 && (field[n] = strsep(&rest, ":")) != NULL)
		n++;
	if (rest != NULL || n != (period ? 4u : 2u) || field[1][0] == '\0' ||
	    (period && (cmd_args_date("--period-of", field[2]) < 0 ||
	    cmd_args_date("--period-of", field[3]) < 0 ||
	    strcmp(field[2], field[3]) > 0))) {
		fprintf(stderr, period ? "tdkt: --period-of cần dạng MÃ_CB:"
		    "DANH_HIỆU:TỪ_NGÀY:ĐẾN_NGÀY (để trống MÃ_CB cho tập thể): "
		    "\"%s\"\n" : "tdkt: --exclude cần dạng MÃ_CB:DANH_HIỆU (để "
		    "trống MÃ_CB cho tập thể): \"%s\"\n", arg);
		free(copy);
		return -1;
	}
	if (x->n == x->cap)
		fatalx("decide: more nominees named than arguments");
	nom = &x->nominees[x->n++];
	tdkt__nominee__init(nom);
	nom->person = xstrdup(field[0]);
	nom->title = xstrdup(field[1]);
	nom->achievement_from = xstrdup(period ? field[2] : "");
	nom->achievement_to = xstrdup(period ? field[3] : "");
	free(copy);
	return 0;
}

/* Points the message's repeated field at the list. */
static Tdkt__Nominee **
decide_list_pointers(struct decide_list *x, size_t *n)
{
	for (size_t i = 0; i < x->n; i++)
		x->pointers[i] = &x->nominees[i];
	*n = x->n;
	return x->pointers;
}

static int
decide_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "number", required_argument, NULL, 'n' },
		{ "date", required_argument, NULL, 'd' },
		{ "signer", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "period-of", required_argument, NULL, 'p' },
		{ "if-version", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DecideRequest		 decide = TDKT__DECIDE_REQUEST__INIT;
	const Tdkt__DossierActReply	*r;
	struct decide_list		 excludes, periods;
	char				*headline;
	struct arena			*a;
	int				 ch, rc = EXIT_OK;

	/* Never more of either than arguments. */
	decide_list_init(&excludes, (size_t)argc);
	decide_list_init(&periods, (size_t)argc);
	optind = 0;
	while (rc == EXIT_OK &&
	    (ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			decide.number = optarg;
			break;
		case 'd':
			if (cmd_args_date("--date", optarg) < 0)
				rc = EXIT_USAGE;
			decide.date = optarg;
			break;
		case 's':
			decide.signer = optarg;
			break;
		case 'f':
			if (cmd_args_date("--from", optarg) < 0)
				rc = EXIT_USAGE;
			decide.achievement_from = optarg;
			break;
		case 't':
			if (cmd_args_date("--to", optarg) < 0)
				rc = EXIT_USAGE;
			decide.achievement_to = optarg;
			break;
		case 'x':
			if (decide_list_add(&excludes, optarg, false) < 0)
				rc = EXIT_USAGE;
			break;
		case 'p':
			if (decide_list_add(&periods, optarg, true) < 0)
				rc = EXIT_USAGE;
			break;
		case 'v':
			if (cmd_args_uint32("--if-version", optarg, 1,
			    &decide.if_version) < 0)
				rc = EXIT_USAGE;
			break;
		default:
			rc = EXIT_USAGE;
			break;
		}
	}
	if (rc != EXIT_OK)
		rc = cmd_args_usage_error(&cmd_decide_entry, NULL);
	else if (decide.number[0] == '\0' || decide.date[0] == '\0' ||
	    decide.signer[0] == '\0')
		rc = cmd_args_usage_error(&cmd_decide_entry,
		    "decide cần --number, --date và --signer");
	else if ((decide.achievement_from[0] == '\0') !=
	    (decide.achievement_to[0] == '\0'))
		rc = cmd_args_usage_error(&cmd_decide_entry,
		    "--from và --to đi cùng nhau");
	/* YYYY-MM-DD strings sort as the dates do. */
	else if (strcmp(decide.achievement_from, decide.achievement_to) > 0)
		rc = cmd_args_usage_error(&cmd_decide_entry,
		    "--from phải không sau --to");
	else
		rc = cmd_args_one_dossier_id(&cmd_decide_entry, argc - optind,
		    argv + optind, &decide.dossier_id);
	if (rc != EXIT_OK) {
		decide_list_free(&excludes);
		decide_list_free(&periods);
		return rc;
	}

	decide.exclude = decide_list_pointers(&excludes, &decide.n_exclude);
	decide.periods = decide_list_pointers(&periods, &decide.n_periods);
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DECIDE_REQUEST;
	req.decide_request = &decide;
	a = arena_new(CMD_DOSSIER_ARENA);
	rc = cmd_dossier_act(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_DECIDE_REPLY,
	    a, &r);
	if (rc == EXIT_OK) {
		headline = xasprintf("Đã ghi quyết định số %s ngày %s cho hồ sơ "
		    "số %llu: %u đề nghị được khen thưởng; trạng thái: %s "
		    "(phiên bản %u).", decide.number, decide.date,
		    (unsigned long long)r->dossier_id, r->awarded,
		    dossier_state_name(r->state), r->version);
		dossier_output_act(ctx->json, r, headline);
		free(headline);
	}
	arena_free(&a);
	decide_list_free(&excludes);
	decide_list_free(&periods);
	return rc;
}

const struct cmd_entry cmd_decide_entry = {
	.name = "decide",
	.args = "SỐ_HỒ_SƠ --number SỐ_QĐ --date YYYY-MM-DD --signer NGƯỜI_KÝ "
	    "[--from YYYY-MM-DD --to YYYY-MM-DD] [--exclude MÃ_CB:DANH_HIỆU]... "
	    "[--period-of MÃ_CB:DANH_HIỆU:TỪ_NGÀY:ĐẾN_NGÀY]... "
	    "[--if-version N]",
	.summary = "Ghi quyết định khen thưởng cho hồ sơ",
	.help = "Quyết định của cấp mà hồ sơ đang chờ: mọi đề nghị có danh hiệu "
	    "do cấp này quyết\nđịnh đều được ghi là được khen thưởng (vào lịch "
	    "sử khen thưởng) hoặc, nếu bị\nloại ra, là không. Cấp này phải quyết "
	    "định xong mới chuyển hồ sơ lên được; ở cấp\ncao nhất hồ sơ kết "
	    "thúc.\n"
	    "\n"
	    "  --number SỐ_QĐ         số quyết định, ví dụ 123/QĐ-UBND\n"
	    "  --date YYYY-MM-DD      ngày ký quyết định\n"
	    "  --signer NGƯỜI_KÝ      người ký\n"
	    "  --from, --to           khoảng thời gian lập thành tích ghi trong "
	    "quyết định\n"
	    "  --exclude MÃ_CB:DANH_HIỆU\n"
	    "                         không khen đề nghị này (có thể lặp lại); "
	    "\":DANH_HIỆU\"\n"
	    "                         là đề nghị cho tập thể đơn vị\n"
	    "  --period-of MÃ_CB:DANH_HIỆU:TỪ_NGÀY:ĐẾN_NGÀY\n"
	    "                         thời gian lập thành tích riêng của một đề "
	    "nghị\n"
	    "                         (có thể lặp lại)\n"
	    "  --if-version N         chỉ thực hiện nếu hồ sơ vẫn ở phiên bản "
	    "N\n",
	.exec = decide_exec,
};

/* `tdkt extension grant` ------------------------------------------------- */

static int
extension_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "type", required_argument, NULL, 't' },
		{ "until", required_argument, NULL, 'U' },
		{ "period", required_argument, NULL, 'p' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__ExtensionGrantRequest	 grant =
					    TDKT__EXTENSION_GRANT_REQUEST__INIT;
	Tdkt__ClientEnvelope		*reply;
	const Tdkt__ExtensionGrantReply	*r;
	char				 key[33];
	struct arena			*a;
	int				 ch, rc;

	if (argc < 2 || strcmp(argv[1], "grant") != 0)
		return cmd_args_usage_error(&cmd_extension_entry,
		    "extension cần lệnh con grant");
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			grant.unit = optarg;
			break;
		case 't':
			grant.type = optarg;
			break;
		case 'U':
			if (cmd_args_date("--until", optarg) < 0)
				return cmd_args_usage_error(&cmd_extension_entry,
				    NULL);
			grant.until = optarg;
			break;
		case 'p':
			grant.period = optarg;
			break;
		case 'r':
			grant.reason = optarg;
			break;
		default:
			return cmd_args_usage_error(&cmd_extension_entry, NULL);
		}
	}
	if (optind != argc || grant.unit[0] == '\0' || grant.type[0] == '\0' ||
	    grant.until[0] == '\0')
		return cmd_args_usage_error(&cmd_extension_entry,
		    "extension grant cần --unit, --type và --until");

	/* One key for every retry: a grant is recorded and audited once. */
	conn_new_idempotency_key(key);
	req.idempotency_key = key;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_EXTENSION_GRANT_REQUEST;
	req.extension_grant_request = &grant;
	a = arena_new(CMD_DOSSIER_ARENA);
	if ((rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_EXTENSION_GRANT_REPLY, a,
	    &reply)) != EXIT_OK)
		goto out;
	r = reply->extension_grant_reply;
	if (ctx->json) {
		struct output_json	j;

		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_string(&j, "unit", r->unit);
		output_json_string(&j, "type", r->type);
		output_json_string(&j, "period", r->period);
		output_json_string(&j, "until", r->until);
		output_json_bool(&j, "replayed", r->replayed);
		output_json_end(&j);
		goto out;
	}
	printf("Đã gia hạn cho đơn vị %s nộp hồ sơ %s%s%s đến hết ngày %s.\n",
	    r->unit, r->type, r->period[0] != '\0' ? " kỳ " : "", r->period,
	    r->until);
	if (r->replayed)
		printf("(Yêu cầu này đã được thực hiện trước đó; lần này không "
		    "thay đổi gì.)\n");
out:
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_extension_entry = {
	.name = "extension",
	.args = "grant --unit MÃ --type MÃ --until YYYY-MM-DD [--period KỲ] "
	    "[--reason LÝ_DO]",
	.summary = "Gia hạn nộp hồ sơ cho một đơn vị",
	.help = "Cho đơn vị --unit nộp hồ sơ loại --type sau khi hết hạn nộp, "
	    "đến hết ngày\n--until. Do cơ quan quản lý đơn vị cấp; được ghi "
	    "nhật ký.\n"
	    "\n"
	    "  --period KỲ      kỳ của quy định (mặc định: kỳ hiện hành)\n"
	    "  --reason LÝ_DO   lý do gia hạn\n",
	.exec = extension_exec,
};
