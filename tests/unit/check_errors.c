/*
 * check_errors.c - unit tests for the error code table (errors.c).
 *
 * The stable names are what `--json` prints and scripts match on, so the
 * table must cover every code proto/common.proto defines, with no two codes
 * sharing a name. These tests walk the enum descriptor generated from the
 * proto file, so a code added there without a line in errors.c fails here.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "errors.h"
#include "utf8.h"

static const ProtobufCEnumDescriptor *
errors_test_enum(void)
{
	return &tdkt__error_code__descriptor;
}

/*
 * Returns the name the table should give an enum value: its proto name
 * without the "ERROR_CODE_" prefix, in lower case ("ERROR_CODE_TOO_LARGE"
 * gives "too_large"). The caller frees it.
 */
static char *
errors_test_expected_name(const char *proto_name)
{
	const char	*prefix = "ERROR_CODE_";
	char		*s;

	ck_assert_msg(strncmp(proto_name, prefix, strlen(prefix)) == 0,
	    "enum value %s lacks the ERROR_CODE_ prefix", proto_name);
	s = strdup(proto_name + strlen(prefix));
	for (char *p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

START_TEST(test_errors_descriptor_sane)
{
	const ProtobufCEnumDescriptor	*d = errors_test_enum();

	/* Guard the loops below against an empty or foreign descriptor. */
	ck_assert_str_eq(d->name, "tdkt.ErrorCode");
	ck_assert_uint_ge(d->n_values, 11);
}
END_TEST

START_TEST(test_errors_every_code_named)
{
	const ProtobufCEnumDescriptor	*d = errors_test_enum();

	for (unsigned i = 0; i < d->n_values; i++) {
		Tdkt__ErrorCode	 code = (Tdkt__ErrorCode)d->values[i].value;
		const char	*name = errors_code_name(code);
		char		*want;

		want = errors_test_expected_name(d->values[i].name);

		ck_assert_ptr_nonnull(name);
		ck_assert_msg(strcmp(name, "unknown") != 0,
		    "%s has no entry in errors.c", d->values[i].name);
		ck_assert_msg(strcmp(name, want) == 0,
		    "%s is named \"%s\", expected \"%s\"", d->values[i].name,
		    name, want);
		free(want);
	}
}
END_TEST

START_TEST(test_errors_names_distinct)
{
	const ProtobufCEnumDescriptor	*d = errors_test_enum();

	for (unsigned i = 0; i < d->n_values; i++) {
		const char	*a = errors_code_name(
		    (Tdkt__ErrorCode)d->values[i].value);

		for (const char *p = a; *p != '\0'; p++) {
			ck_assert_msg(islower((unsigned char)*p) || *p == '_',
			    "name \"%s\" is not lower_case", a);
		}
		for (unsigned k = i + 1; k < d->n_values; k++) {
			const char	*b = errors_code_name(
			    (Tdkt__ErrorCode)d->values[k].value);

			ck_assert_msg(strcmp(a, b) != 0,
			    "%s and %s share the name \"%s\"",
			    d->values[i].name, d->values[k].name, a);
		}
	}
}
END_TEST

START_TEST(test_errors_messages_vietnamese)
{
	const ProtobufCEnumDescriptor	*d = errors_test_enum();

	for (unsigned i = 0; i < d->n_values; i++) {
		Tdkt__ErrorCode	 code = (Tdkt__ErrorCode)d->values[i].value;
		const char	*msg = errors_message_vi(code);
		size_t		 bad = 0;

		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(msg[0] != '\0', "%s has an empty message",
		    d->values[i].name);
		ck_assert_msg(utf8_valid(msg, strlen(msg), &bad),
		    "message of %s is not UTF-8 at byte %zu", d->values[i].name,
		    bad);
		/* Shown to people as a fragment: no trailing period. */
		ck_assert_msg(msg[strlen(msg) - 1] != '.',
		    "message of %s ends with a period", d->values[i].name);
		for (unsigned k = i + 1; k < d->n_values; k++) {
			ck_assert_msg(strcmp(msg, errors_message_vi(
			    (Tdkt__ErrorCode)d->values[k].value)) != 0,
			    "%s and %s share a message", d->values[i].name,
			    d->values[k].name);
		}
	}
}
END_TEST

START_TEST(test_errors_known_examples)
{
	ck_assert_str_eq(errors_code_name(
	    TDKT__ERROR_CODE__ERROR_CODE_MALFORMED), "malformed");
	ck_assert_str_eq(errors_code_name(
	    TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE), "too_large");
	ck_assert_str_eq(errors_message_vi(
	    TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE),
	    "Yêu cầu vượt quá kích thước cho phép");
}
END_TEST

START_TEST(test_errors_unknown_code)
{
	const ProtobufCEnumDescriptor	*d = errors_test_enum();
	int				 codes[] = { -1, 0, 9999, INT32_MAX };

	/* One past the highest code: the next one a future proto would add. */
	for (unsigned i = 0; i < d->n_values; i++) {
		if (d->values[i].value >= codes[1])
			codes[1] = d->values[i].value + 1;
	}
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		Tdkt__ErrorCode	 code = (Tdkt__ErrorCode)codes[i];
		const char	*msg = errors_message_vi(code);

		ck_assert_ptr_null(protobuf_c_enum_descriptor_get_value(d,
		    codes[i]));
		ck_assert_str_eq(errors_code_name(code), "unknown");
		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(msg[0] != '\0', "empty message for code %d",
		    codes[i]);
		ck_assert(utf8_valid(msg, strlen(msg), NULL));
	}
}
END_TEST

static Suite *
errors_suite(void)
{
	Suite	*s = suite_create("errors");
	TCase	*tc;

	tc = tcase_create("table");
	tcase_add_test(tc, test_errors_descriptor_sane);
	tcase_add_test(tc, test_errors_every_code_named);
	tcase_add_test(tc, test_errors_names_distinct);
	tcase_add_test(tc, test_errors_messages_vietnamese);
	tcase_add_test(tc, test_errors_known_examples);
	tcase_add_test(tc, test_errors_unknown_code);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(errors_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
