/*
 * errors.h - the stable names and Vietnamese texts of the wire error codes.
 *
 * The numbers are defined in proto/common.proto; this table gives each a
 * stable lower-case name (what `--json` prints and scripts match on) and the
 * default message shown to people, in Vietnamese.
 */
#ifndef TDKT_ERRORS_H
#define TDKT_ERRORS_H

#include "common.pb-c.h"

/* Stable machine name, e.g. "malformed"; "unknown" for codes we do not know. */
const char	*errors_code_name(Tdkt__ErrorCode);
/* The default Vietnamese message for the code. */
const char	*errors_message_vi(Tdkt__ErrorCode);

#endif
