/*
 * cmd_dossier.c - `tdkt dossier SUB ...`: a unit's dossiers for emulation
 * titles and awards, from the draft to the decision.
 *
 * This file holds the command's entry, its usage, the table of its
 * sub-commands and the three small ones (new, meeting, submit); the others
 * have a file each (cmd_dossier_<sub>.c). Every change to a dossier goes
 * through cmd_dossier_act, which gives it its idempotency key.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "clock.h"
#include "cmd.h"
#include "cmd_args.h"
#include "cmd_dossier.h"
#include "dossier_names.h"
#include "dossier_output.h"
#include "log.h"
#include "xmalloc.h"

int
cmd_dossier_act(struct cmd_ctx *ctx, Tdkt__ClientEnvelope *req,
    Tdkt__ClientEnvelope__BodyCase expect, struct arena *a,
    const Tdkt__DossierActReply **act)
{
	Tdkt__ClientEnvelope	*reply;
	char			 key[33];
	int			 rc;

	conn_new_idempotency_key(key);
	req->idempotency_key = key;
	if ((rc = cmds_call(ctx, req, expect, a, &reply)) != EXIT_OK)
		return rc;
	switch (expect) {
	case TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NEW_REPLY:
		*act = reply->dossier_new_reply;
		break;
	case TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_ATTACH_REPLY:
		*act = reply->dossier_attach_reply;
		break;
	case TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NOMINATE_REPLY:
		*act = reply->dossier_nominate_reply;
		break;
	case TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_MEETING_REPLY:
		*act = reply->dossier_meeting_reply;
		break;
	case TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REPLY:
		*act = reply->dossier_submit_reply;
		break;
	case TDKT__CLIENT_ENVELOPE__BODY_REVIEW_REPLY:
		*act = reply->review_reply;
		break;
	case TDKT__CLIENT_ENVELOPE__BODY_DECIDE_REPLY:
		*act = reply->decide_reply;
		break;
	default:
		fatalx("cmd_dossier_act: body %d is not a DossierActReply",
		    (int)expect);
	}
	return EXIT_OK;
}

static int
dossier_new(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "unit", required_argument, NULL, 'u' },
		{ "period", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierNewRequest		 create = TDKT__DOSSIER_NEW_REQUEST__INIT;
	const Tdkt__DossierActReply	*r;
	struct arena			*a;
	char				*headline;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			create.type = optarg;
			break;
		case 'u':
			create.unit = optarg;
			break;
		case 'p':
			create.period = optarg;
			break;
		case 'l':
			create.label = optarg;
			break;
		default:
			return cmd_args_usage_error(&cmd_dossier_entry, NULL);
		}
	}
	if (optind != argc || create.type[0] == '\0')
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier new cần --type và không nhận tham số khác");
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NEW_REQUEST;
	req.dossier_new_request = &create;
	a = arena_new(CMD_DOSSIER_ARENA);
	rc = cmd_dossier_act(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NEW_REPLY, a, &r);
	if (rc == EXIT_OK) {
		headline = xasprintf("Đã tạo hồ sơ số %llu (%s).",
		    (unsigned long long)r->dossier_id,
		    dossier_state_name(r->state));
		dossier_output_act(ctx->json, r, headline);
		free(headline);
	}
	arena_free(&a);
	return rc;
}

static int
dossier_meeting(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "members", required_argument, NULL, 'm' },
		{ "present", required_argument, NULL, 'p' },
		{ "date", required_argument, NULL, 'd' },
		{ "note", required_argument, NULL, 'n' },
		{ "if-version", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierMeetingRequest	 meeting =
					    TDKT__DOSSIER_MEETING_REQUEST__INIT;
	const Tdkt__DossierActReply	*r;
	struct arena			*a;
	char				*headline;
	bool				 members = false, present = false;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			if (cmd_args_uint32("--members", optarg, 1,
			    &meeting.members) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			members = true;
			break;
		case 'p':
			if (cmd_args_uint32("--present", optarg, 0,
			    &meeting.present) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			present = true;
			break;
		case 'd':
			if (cmd_args_date("--date", optarg) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			meeting.date = optarg;
			break;
		case 'n':
			meeting.note = optarg;
			break;
		case 'v':
			if (cmd_args_uint32("--if-version", optarg, 1,
			    &meeting.if_version) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			break;
		default:
			return cmd_args_usage_error(&cmd_dossier_entry, NULL);
		}
	}
	if (!members || !present || meeting.date[0] == '\0')
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier meeting cần --members, --present và --date");
	if ((rc = cmd_args_one_dossier_id(&cmd_dossier_entry, argc - optind,
	    argv + optind, &meeting.dossier_id)) != EXIT_OK)
		return rc;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_MEETING_REQUEST;
	req.dossier_meeting_request = &meeting;
	a = arena_new(CMD_DOSSIER_ARENA);
	rc = cmd_dossier_act(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_MEETING_REPLY, a, &r);
	if (rc == EXIT_OK) {
		headline = xasprintf("Đã ghi biên bản họp hội đồng ngày %s "
		    "(%u/%u thành viên có mặt) vào hồ sơ số %llu; phiên bản %u.",
		    meeting.date, meeting.present, meeting.members,
		    (unsigned long long)r->dossier_id, r->version);
		dossier_output_act(ctx->json, r, headline);
		free(headline);
	}
	arena_free(&a);
	return rc;
}

/* How long `dossier submit` waits for the workers' check, by default. */
#define DOSSIER_SUBMIT_WAIT_S	60
#define DOSSIER_SUBMIT_POLL_MS	250

/*
 * Waits while the workers check dossier `id` (submitted, validating) and
 * fills `*act` with where it then stands and what the check found, from a
 * DossierShowReply in `a` (emptied before each look, so a long wait holds
 * only the last). Returns EXIT_OK, or an error code (the server's
 * answer, printed) or EXIT_PENDING when the check outlasts wait_s.
 */
static int
dossier_wait_checked(struct cmd_ctx *ctx, uint64_t id, uint32_t wait_s,
    struct arena *a, Tdkt__DossierActReply *act)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierShowRequest show = TDKT__DOSSIER_SHOW_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__Dossier	*d;
	struct timespec		 poll = { 0, DOSSIER_SUBMIT_POLL_MS * 1000000L };
	int64_t			 deadline = clock_monotonic_ms() +
				    (int64_t)wait_s * 1000;
	int			 rc;

	show.dossier_id = id;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SHOW_REQUEST;
	req.dossier_show_request = &show;
	for (;;) {
		arena_reset(a);
		if ((rc = cmds_call(ctx, &req,
		    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SHOW_REPLY, a,
		    &reply)) != EXIT_OK)
			return rc;
		d = reply->dossier_show_reply->dossier;
		if (d == NULL)
			return EXIT_SERVER_ERROR;
		if (strcmp(d->state, "submitted") != 0 &&
		    strcmp(d->state, "validating") != 0)
			break;
		if (clock_monotonic_ms() >= deadline) {
			fprintf(stderr, "tdkt: hồ sơ số %llu vẫn đang được kiểm "
			    "tra; xem kết quả sau bằng: tdkt dossier show %llu\n",
			    (unsigned long long)id, (unsigned long long)id);
			return EXIT_PENDING;
		}
		nanosleep(&poll, NULL);
	}
	act->dossier_id = id;
	act->version = d->version;
	act->state = d->state;
	act->level = d->level;
	act->level_name = d->level_name;
	act->awaiting_unit = d->awaiting_unit;
	act->awaiting_unit_name = d->awaiting_unit_name;
	act->findings = reply->dossier_show_reply->findings;
	act->n_findings = reply->dossier_show_reply->n_findings;
	return EXIT_OK;
}

static int
dossier_submit(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "if-version", required_argument, NULL, 'v' },
		{ "wait", required_argument, NULL, 'w' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierSubmitRequest	 submit =
					    TDKT__DOSSIER_SUBMIT_REQUEST__INIT;
	Tdkt__DossierActReply		 checked =
					    TDKT__DOSSIER_ACT_REPLY__INIT;
	const Tdkt__DossierActReply	*r;
	struct arena			*a, *polls = NULL;
	char				*headline;
	uint32_t			 wait_s = DOSSIER_SUBMIT_WAIT_S;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			if (cmd_args_uint32("--if-version", optarg, 1,
			    &submit.if_version) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			break;
		case 'w':
			if (cmd_args_uint32("--wait", optarg, 0, &wait_s) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			break;
		case 'n':
			wait_s = 0;
			break;
		default:
			return cmd_args_usage_error(&cmd_dossier_entry, NULL);
		}
	}
	if ((rc = cmd_args_one_dossier_id(&cmd_dossier_entry, argc - optind,
	    argv + optind, &submit.dossier_id)) != EXIT_OK)
		return rc;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REQUEST;
	req.dossier_submit_request = &submit;
	a = arena_new(CMD_DOSSIER_ARENA);
	rc = cmd_dossier_act(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REPLY, a, &r);
	/* The workers check it within seconds: the school waits for that. */
	if (rc == EXIT_OK && wait_s > 0 && (strcmp(r->state, "submitted") == 0 ||
	    strcmp(r->state, "validating") == 0)) {
		checked.replayed = r->replayed;
		polls = arena_new(CMD_DOSSIER_ARENA);
		if ((rc = dossier_wait_checked(ctx, r->dossier_id, wait_s, polls,
		    &checked)) == EXIT_OK)
			r = &checked;
	}
	if (rc == EXIT_OK) {
		headline = xasprintf("Đã nộp hồ sơ số %llu; trạng thái: %s "
		    "(phiên bản %u).", (unsigned long long)r->dossier_id,
		    dossier_state_name(r->state), r->version);
		dossier_output_act(ctx->json, r, headline);
		free(headline);
	}
	arena_free(&polls);
	arena_free(&a);
	return rc;
}

static const struct {
	const char	*name;
	int		(*exec)(struct cmd_ctx *, int, char **);
} dossier_subs[] = {
	{ "new", dossier_new },
	{ "attach", cmd_dossier_attach_exec },
	{ "nominate", cmd_dossier_nominate_exec },
	{ "meeting", dossier_meeting },
	{ "submit", dossier_submit },
	{ "show", cmd_dossier_show_exec },
	{ "list", cmd_dossier_list_exec },
	{ "history", cmd_dossier_history_exec },
	{ "get-file", cmd_dossier_get_file_exec },
};

static int
dossier_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char	*sub = argc > 1 ? argv[1] : "";

	for (size_t i = 0; i < sizeof dossier_subs / sizeof dossier_subs[0];
	    i++) {
		if (strcmp(sub, dossier_subs[i].name) == 0)
			return dossier_subs[i].exec(ctx, argc - 1, argv + 1);
	}
	if (sub[0] == '\0')
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier cần một lệnh con");
	return cmd_args_usage_error(&cmd_dossier_entry,
	    "dossier không có lệnh con \"%s\"", sub);
}

const struct cmd_entry cmd_dossier_entry = {
	.name = "dossier",
	.args = "new --type MÃ [--unit MÃ] [--period KỲ] [--label NHÃN]\n"
	    "       tdkt dossier attach SỐ_HỒ_SƠ --document MÃ "
	    "(--editable TỆP | --pdf TỆP) [--if-version N]\n"
	    "       tdkt dossier nominate SỐ_HỒ_SƠ [--person MÃ_CB] "
	    "--title DANH_HIỆU [--summary TÓM_TẮT] [--if-version N]\n"
	    "       tdkt dossier nominate SỐ_HỒ_SƠ --file DANH_SÁCH.csv "
	    "[--if-version N]\n"
	    "       tdkt dossier nominate SỐ_HỒ_SƠ --remove [--person MÃ_CB] "
	    "--title DANH_HIỆU [--if-version N]\n"
	    "       tdkt dossier meeting SỐ_HỒ_SƠ --members N --present N "
	    "--date YYYY-MM-DD [--note GHI_CHÚ] [--if-version N]\n"
	    "       tdkt dossier submit SỐ_HỒ_SƠ [--if-version N] [--wait GIÂY | "
	    "--no-wait]\n"
	    "       tdkt dossier show SỐ_HỒ_SƠ\n"
	    "       tdkt dossier list [--unit MÃ] [--state TRẠNG_THÁI] "
	    "[--type MÃ] [--period KỲ]\n"
	    "       tdkt dossier history SỐ_HỒ_SƠ\n"
	    "       tdkt dossier get-file SỐ_HỒ_SƠ --document MÃ "
	    "(--editable | --pdf) [--out ĐƯỜNG_DẪN] [--force]",
	.summary = "Hồ sơ thi đua, khen thưởng: soạn, đính kèm, đề nghị, nộp, "
	    "theo dõi",
	.help =
	    "Đơn vị soạn hồ sơ (new), đính kèm tài liệu (attach), lập danh sách "
	    "đề nghị\n(nominate), ghi biên bản họp hội đồng thi đua – khen "
	    "thưởng (meeting) rồi nộp\n(submit). Máy chủ kiểm tra hồ sơ, rồi hồ "
	    "sơ lần lượt lên các cấp xét duyệt\n(xem `tdkt review`, `tdkt queue`, "
	    "`tdkt decide`).\n"
	    "\n"
	    "  new        tạo hồ sơ nháp loại --type (mã loại hồ sơ trong quy "
	    "định thi đua)\n"
	    "             cho đơn vị --unit (mặc định: đơn vị của bạn), theo quy "
	    "định của kỳ\n"
	    "             --period (mặc định: kỳ hiện hành); --label phân biệt "
	    "nhiều hồ sơ\n"
	    "             cùng loại, ví dụ theo đợt thi đua\n"
	    "  attach     tải tệp lên rồi đính kèm làm tệp chỉnh sửa được "
	    "(--editable, ví dụ\n"
	    "             .docx) hoặc bản PDF đã ký (--pdf) của tài liệu "
	    "--document; đính kèm\n"
	    "             lại thì thay thế. Nếu bị ngắt giữa chừng, chạy lại "
	    "đúng lệnh đó để\n"
	    "             tải tiếp phần còn lại\n"
	    "  nominate   đề nghị một cán bộ (--person; không có: tập thể đơn "
	    "vị) cho danh hiệu\n"
	    "             --title, hoặc cả danh sách từ tệp CSV (--file) với các "
	    "cột person\n"
	    "             (Mã cán bộ; để trống cho tập thể), title (Danh hiệu), "
	    "summary (Tóm\n"
	    "             tắt thành tích): lưu tất cả hoặc không lưu gì; "
	    "--remove bỏ một đề nghị\n"
	    "  meeting    biên bản họp hội đồng: tổng số thành viên, số có mặt, "
	    "ngày họp\n"
	    "  submit     nộp hồ sơ, chờ các tiến trình xử lý kiểm tra xong (tối "
	    "đa --wait giây,\n"
	    "             mặc định 60; --no-wait: không chờ) rồi in các lỗi, cảnh "
	    "báo tìm thấy\n"
	    "  show       toàn bộ hồ sơ: thông tin, thời hạn, tài liệu, đề nghị, "
	    "kết quả kiểm\n"
	    "             tra, quyết định\n"
	    "  list       hồ sơ của đơn vị và các đơn vị trực thuộc, mới nhất "
	    "trước\n"
	    "  history    nhật ký hồ sơ: ai làm gì, lúc nào, từ đâu\n"
	    "  get-file   tải về tệp đã đính kèm và kiểm tra mã SHA-256 trước "
	    "khi lưu; mặc\n"
	    "             định lưu vào thư mục hiện tại với tên tệp đã lưu trên "
	    "máy chủ, không\n"
	    "             ghi đè tệp đã có nếu không có --force\n"
	    "\n"
	    "  --if-version N   chỉ thực hiện nếu hồ sơ vẫn ở phiên bản N (xem "
	    "`dossier show`),\n"
	    "                   để không ghi đè thay đổi người khác vừa làm\n"
	    "\n"
	    "Trạng thái (--state): draft (đang soạn), submitted (đã nộp), "
	    "validating (đang\nkiểm tra), needs_fixes (cần bổ sung, sửa chữa), "
	    "awaiting_review (chờ xét duyệt),\nreturned (bị trả lại), rejected "
	    "(không được chấp thuận), decided (đã có quyết\nđịnh).\n"
	    "\n"
	    "Với --json: list và history in mỗi dòng một đối tượng JSON, các "
	    "lệnh khác một\nđối tượng; trạng thái là mã tiếng Anh ở trên.\n",
	.exec = dossier_exec,
};
