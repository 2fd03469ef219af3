/*
 * dossier_names.c - the tables behind dossier_names.h.
 */
#include <stddef.h>
#include <string.h>

#include "dossier_names.h"

struct dossier_name {
	const char	*code;
	const char	*name;
};

static const struct dossier_name dossier_states[] = {
	{ "draft", "Đang soạn" },
	{ "submitted", "Đã nộp" },
	{ "validating", "Đang kiểm tra" },
	{ "needs_fixes", "Cần bổ sung, sửa chữa" },
	{ "awaiting_review", "Chờ xét duyệt" },
	{ "returned", "Bị trả lại" },
	{ "rejected", "Không được chấp thuận" },
	{ "decided", "Đã có quyết định" },
};

static const struct dossier_name dossier_actions[] = {
	{ "new", "Tạo hồ sơ" },
	{ "attach", "Đính kèm tệp" },
	{ "nominate", "Đề nghị khen thưởng" },
	{ "meeting", "Ghi họp hội đồng" },
	{ "submit", "Nộp hồ sơ" },
	{ "validate", "Chuyển kiểm tra" },
	{ "check_ok", "Kiểm tra: đạt" },
	{ "check_failed", "Kiểm tra: chưa đạt" },
	{ "approve", "Duyệt, chuyển lên" },
	{ "return", "Trả lại" },
	{ "reject", "Không chấp thuận" },
	{ "decide", "Quyết định" },
	{ "decide_final", "Quyết định cuối cùng" },
	{ "extension", "Gia hạn" },
	{ "reassign", "Chuyển đơn vị xét" },
};

static const struct dossier_name dossier_slots[] = {
	{ "editable", "Tệp chỉnh sửa được" },
	{ "pdf", "Bản PDF đã ký" },
};

static const char *
dossier_name_find(const struct dossier_name *table, size_t n,
    const char *code)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].code, code) == 0)
			return table[i].name;
	}
	return code;
}

const char *
dossier_state_name(const char *code)
{
	return dossier_name_find(dossier_states,
	    sizeof dossier_states / sizeof dossier_states[0], code);
}

const char *
dossier_action_name(const char *code)
{
	return dossier_name_find(dossier_actions,
	    sizeof dossier_actions / sizeof dossier_actions[0], code);
}

const char *
dossier_slot_name(const char *slot)
{
	return dossier_name_find(dossier_slots,
	    sizeof dossier_slots / sizeof dossier_slots[0], slot);
}
