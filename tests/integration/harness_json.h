/*
 * harness_json.h - reading the one flat JSON object `tdkt --json` prints.
 *
 * Keys are looked up by name; values keep their JSON type, so a test can
 * tell the string "1" from the number 1. Strings come back unescaped and
 * UTF-8, to be compared byte for byte with what was sent.
 */
#ifndef TDKT_HARNESS_JSON_H
#define TDKT_HARNESS_JSON_H

#include <stdint.h>

struct harness_json;

/*
 * Parses `text` as one flat JSON object (string, number, true, false and
 * null values) followed by nothing but white space. Returns it (free with
 * harness_json_free), or NULL if the text is anything else.
 */
struct harness_json	*harness_json_parse(const char *text);
/* NULL is allowed; sets *jp to NULL. */
void			 harness_json_free(struct harness_json **jp);

/* The unescaped string value of `key`, or NULL if absent or not a string. */
const char		*harness_json_string(const struct harness_json *,
			    const char *key);
/* Sets *out to the non-negative integer value of `key`; 0, or -1 if none. */
int			 harness_json_uint(const struct harness_json *,
			    const char *key, uint64_t *out);
/* 1 or 0 for a true or false value of `key`, -1 otherwise. */
int			 harness_json_bool(const struct harness_json *,
			    const char *key);

#endif
