/*
 * dossier_names.h - the Vietnamese names of a dossier's states and of the
 * two slots a document fills, for the people reading tables.
 *
 * The codes are the stable ones the server sends and --json prints; the
 * state machine itself lives in the database (migration 0006), where every
 * transition is checked and recorded.
 */
#ifndef TDKT_DOSSIER_NAMES_H
#define TDKT_DOSSIER_NAMES_H

/* "Chờ xét duyệt" for "awaiting_review"; the code itself when unknown. */
const char	*dossier_state_name(const char *code);

/* "Trả lại" for "return": what an entry of a dossier's history did. */
const char	*dossier_action_name(const char *code);

/* "Tệp chỉnh sửa được" for "editable", "Bản PDF đã ký" for "pdf". */
const char	*dossier_slot_name(const char *slot);

#endif
