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
dossier_slot_name(const char *slot)
{
	return dossier_name_find(dossier_slots,
	    sizeof dossier_slots / sizeof dossier_slots[0], slot);
}
