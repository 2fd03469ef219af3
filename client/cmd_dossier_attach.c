/*
 * cmd_dossier_attach.c - `tdkt dossier attach`: a document's file into a
 * dossier, as the editable file or the PDF of the signed original.
 *
 * The file goes up first, by the resumable protocol of transfer.c, and is
 * then attached by its SHA-256: an interrupted attach is finished by
 * running the same command again, which sends only what the server lacks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_args.h"
#include "cmd_dossier.h"
#include "dossier_names.h"
#include "dossier_output.h"
#include "transfer.h"
#include "xmalloc.h"

int
cmd_dossier_attach_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "document", required_argument, NULL, 'd' },
		{ "editable", required_argument, NULL, 'e' },
		{ "pdf", required_argument, NULL, 'p' },
		{ "if-version", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierAttachRequest	 attach =
					    TDKT__DOSSIER_ATTACH_REQUEST__INIT;
	const Tdkt__DossierActReply	*r;
	char				 sha256[TRANSFER_SHA256_HEX];
	const char			*file = NULL;
	char				*headline;
	struct arena			*a;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			attach.document = optarg;
			break;
		case 'e':
		case 'p':
			if (file != NULL)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    "dossier attach nhận một tệp: --editable "
				    "hoặc --pdf");
			file = optarg;
			attach.slot = ch == 'e' ? "editable" : "pdf";
			break;
		case 'v':
			if (cmd_args_uint32("--if-version", optarg, 1,
			    &attach.if_version) < 0)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    NULL);
			break;
		default:
			return cmd_args_usage_error(&cmd_dossier_entry, NULL);
		}
	}
	if (attach.document[0] == '\0' || file == NULL)
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier attach cần --document và --editable TỆP hoặc "
		    "--pdf TỆP");
	if ((rc = cmd_args_one_dossier_id(&cmd_dossier_entry, argc - optind,
	    argv + optind, &attach.dossier_id)) != EXIT_OK)
		return rc;

	if ((rc = transfer_upload(ctx, file, sha256)) != EXIT_OK)
		return rc;
	attach.sha256 = sha256;
	attach.filename = strrchr(file, '/') != NULL ?
	    strrchr(file, '/') + 1 : (char *)file;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_ATTACH_REQUEST;
	req.dossier_attach_request = &attach;
	a = arena_new(CMD_DOSSIER_ARENA);
	rc = cmd_dossier_act(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_ATTACH_REPLY, a, &r);
	if (rc == EXIT_OK) {
		headline = xasprintf("Đã đính kèm \"%s\" làm %s của tài liệu %s, "
		    "hồ sơ số %llu; phiên bản %u.", attach.filename,
		    dossier_slot_name(attach.slot), attach.document,
		    (unsigned long long)r->dossier_id, r->version);
		dossier_output_act(ctx->json, r, headline);
		free(headline);
	}
	arena_free(&a);
	return rc;
}
