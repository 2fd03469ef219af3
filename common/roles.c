/*
 * roles.c - the tables behind roles.h.
 */
#include <stdio.h>
#include <string.h>

#include "roles.h"

struct roles_entry {
	unsigned	 bit;
	const char	*code;
	const char	*name_vi;
};

static const struct roles_entry roles_table[ROLES_COUNT] = {
	{ ROLE_STAFF, "staff", "Cán bộ, giáo viên, nhân viên" },
	{ ROLE_HEAD, "head", "Thủ trưởng đơn vị" },
	{ ROLE_BLOCK_LEADER, "block_leader", "Khối trưởng khối thi đua" },
	{ ROLE_SPECIALIST, "specialist", "Chuyên viên phụ trách cấp học" },
	{ ROLE_OFFICE_HEAD, "office_head", "Lãnh đạo phòng" },
	{ ROLE_DEPARTMENT, "department", "Sở Giáo dục và Đào tạo" },
	{ ROLE_MINISTRY, "ministry", "Bộ Giáo dục và Đào tạo" },
	{ ROLE_ADMIN, "admin", "Quản trị hệ thống" },
};

/* The levels a specialist can hold: the unit kinds of schools (migration 0002). */
static const struct {
	const char	*code;
	const char	*name_vi;
} roles_levels[] = {
	{ "preschool", "Mầm non" },
	{ "primary", "Tiểu học" },
	{ "lower_secondary", "Trung học cơ sở" },
	{ "upper_secondary", "Trung học phổ thông" },
};

const char *
roles_level_name_vi(const char *level)
{
	for (size_t i = 0; i < sizeof roles_levels / sizeof roles_levels[0]; i++) {
		if (strcmp(roles_levels[i].code, level) == 0)
			return roles_levels[i].name_vi;
	}
	return NULL;
}

unsigned
roles_parse(const char *text, const char **level)
{
	const char	*colon = strchr(text, ':');
	size_t		 len = colon != NULL ? (size_t)(colon - text) : strlen(text);

	*level = colon != NULL ? colon + 1 : "";
	for (size_t i = 0; i < ROLES_COUNT; i++) {
		const struct roles_entry *r = &roles_table[i];

		if (strlen(r->code) != len || strncmp(r->code, text, len) != 0)
			continue;
		if (r->bit == ROLE_SPECIALIST)
			return roles_level_name_vi(*level) != NULL ? r->bit : 0;
		return colon == NULL ? r->bit : 0;
	}
	return 0;
}

unsigned
roles_parse_all(char *const *texts, size_t n)
{
	unsigned	 roles = 0;
	const char	*level;

	for (size_t i = 0; i < n; i++)
		roles |= roles_parse(texts[i], &level);
	return roles;
}

const char *
roles_code(unsigned role)
{
	for (size_t i = 0; i < ROLES_COUNT; i++) {
		if (roles_table[i].bit == role)
			return roles_table[i].code;
	}
	return NULL;
}

const char *
roles_name_vi(unsigned role)
{
	for (size_t i = 0; i < ROLES_COUNT; i++) {
		if (roles_table[i].bit == role)
			return roles_table[i].name_vi;
	}
	return NULL;
}

void
roles_format(unsigned roles, char *buf, size_t size)
{
	size_t	used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ROLES_COUNT && used < size; i++) {
		if (!(roles & roles_table[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		    used > 0 ? ", " : "", roles_table[i].code);
	}
}
