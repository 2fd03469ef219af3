/*
 * roles.h - the roles an account can hold, as names and as bits.
 *
 * A role is held in the account's unit and reaches that unit's whole
 * subtree; a specialist's reach is narrowed to the schools of one level
 * (seed 001 §V: chuyên viên phụ trách each school level). The server decides
 * with bits (a handler's allowed roles against the roles covering the unit a
 * request touches); names travel on the wire and in the database
 * ("specialist:primary" carries the level).
 */
#ifndef TDKT_ROLES_H
#define TDKT_ROLES_H

#include <stdbool.h>
#include <stddef.h>

#define ROLE_STAFF		0x01	/* cán bộ, giáo viên, nhân viên */
#define ROLE_HEAD		0x02	/* thủ trưởng: submits for the unit */
#define ROLE_BLOCK_LEADER	0x04	/* khối trưởng: acts for the block */
#define ROLE_SPECIALIST		0x08	/* chuyên viên: reviews one level */
#define ROLE_OFFICE_HEAD	0x10	/* lãnh đạo phòng: approves, forwards */
#define ROLE_DEPARTMENT		0x20	/* Sở GD&ĐT */
#define ROLE_MINISTRY		0x40	/* Bộ GD&ĐT */
#define ROLE_ADMIN		0x80	/* quản trị hệ thống */
#define ROLES_ALL		0xff

#define ROLES_COUNT		8
/* The longest role text: "specialist:" and the longest level. */
#define ROLES_TEXT_MAX		32

/*
 * Parses "staff" or "specialist:primary". Returns the role's bit, or 0 when
 * the text is no role, when a specialist lacks a known level or another
 * role has one. *level points into `text` after the colon ("" if none).
 */
unsigned	 roles_parse(const char *text, const char **level);

/* The bits of every role in `texts` that parses (others are ignored). */
unsigned	 roles_parse_all(char *const *texts, size_t n);

/* The code of one role bit ("head"), or NULL. */
const char	*roles_code(unsigned role);
/* Its Vietnamese name ("Thủ trưởng đơn vị"), or NULL. */
const char	*roles_name_vi(unsigned role);
/* The Vietnamese name of a school level ("Tiểu học"), or NULL if unknown. */
const char	*roles_level_name_vi(const char *level);

/* Writes "a, b, c" of the role codes in `roles` into buf. */
void		 roles_format(unsigned roles, char *buf, size_t size);

#endif
