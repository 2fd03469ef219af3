/*
 * cmd_import.c - `tdkt import units|people FILE`: units and staff from CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "output.h"

#define IMPORT_MAX_BYTES	(16 * 1024 * 1024)	/* the server's default limit */

static int
import_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__ImportRequest	 imp = TDKT__IMPORT_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	const char		*what;
	char			*data;
	size_t			 len;
	int			 rc = EXIT_OK;

	if (argc != 3 || (strcmp(argv[1], "units") != 0 &&
	    strcmp(argv[1], "people") != 0)) {
		cmds_usage(stderr, &cmd_import_entry);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "units") == 0) {
		imp.kind = TDKT__IMPORT_REQUEST__KIND__KIND_UNITS;
		what = "đơn vị";
	} else {
		imp.kind = TDKT__IMPORT_REQUEST__KIND__KIND_PEOPLE;
		what = "cán bộ";
	}
	if ((data = cmds_read_file(argv[2], IMPORT_MAX_BYTES, &len)) == NULL)
		return EXIT_USAGE;
	imp.file_name = strrchr(argv[2], '/') != NULL ?
	    strrchr(argv[2], '/') + 1 : argv[2];
	imp.content.data = (uint8_t *)data;
	imp.content.len = len;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_IMPORT_REQUEST;
	req.import_request = &imp;
	/* A big file takes the server a while; wait for it. */
	conn_set_timeout(ctx->conn, ctx->conf->timeout_ms +
	    (int64_t)(len / 1024));
	a = arena_new(4 * 1024 * 1024);
	if ((rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_IMPORT_REPLY, a, &reply)) != EXIT_OK)
		goto out;
	if (ctx->json) {
		struct output_json j;

		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_uint(&j, "created", reply->import_reply->created);
		output_json_uint(&j, "updated", reply->import_reply->updated);
		output_json_end(&j);
	} else
		printf("Đã nhập %s: %u thêm mới, %u cập nhật.\n", what,
		    reply->import_reply->created, reply->import_reply->updated);
out:
	arena_free(&a);
	free(data);
	return rc;
}

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.args = "units|people TỆP.csv|TỆP.yaml",
	.summary = "Nhập danh sách đơn vị hoặc cán bộ từ tệp CSV hoặc YAML",
	.help = "Tệp CSV mã UTF-8 (trong Excel: lưu dạng \"CSV UTF-8\"), dòng đầu là tên cột.\n"
	    "Nhập tất cả hoặc không nhập gì: nếu có lỗi, mọi lỗi được liệt kê dạng\n"
	    "tệp:dòng:cột: thông báo. Mã đã có thì cập nhật (kể cả chuyển đơn vị cấp trên).\n"
	    "\n"
	    "  units    cột: code (Mã đơn vị), name (Tên đơn vị), kind (Loại hình:\n"
	    "           ministry/Bộ, department/Sở, district_office/Phòng, preschool/Mầm non,\n"
	    "           primary/Tiểu học, lower_secondary/THCS, upper_secondary/THPT, ...),\n"
	    "           parent (Mã đơn vị cấp trên), email (Thư điện tử)\n"
	    "  people   cột: code (Mã cán bộ), full_name (Họ và tên), position (Chức vụ),\n"
	    "           unit (Mã đơn vị), is_head (Thủ trưởng: x/có/không), email\n"
	    "\n"
	    "Tệp .yaml/.yml: một danh sách, mỗi mục gồm các cột trên theo tên tiếng Anh,\n"
	    "ví dụ - {code: Q1-TH-A, name: Trường Tiểu học A, kind: primary, parent: PGDDT-Q1}\n",
	.exec = import_exec,
};
