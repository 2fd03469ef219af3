/*
 * cmd_dossier_get_file.c - `tdkt dossier get-file`: downloads a document's
 * file from a dossier, verified against the SHA-256 the server stored.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "cmd_args.h"
#include "cmd_dossier.h"
#include "dossier_output.h"
#include "output.h"
#include "transfer.h"

int
cmd_dossier_get_file_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "document", required_argument, NULL, 'd' },
		{ "editable", no_argument, NULL, 'e' },
		{ "pdf", no_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct transfer_source		 src = { 0 };
	struct transfer_download_result	 got;
	const char			*out = NULL;
	char				 size[32];
	bool				 force = false;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			src.document = optarg;
			break;
		case 'e':
		case 'p':
			if (src.slot != NULL)
				return cmd_args_usage_error(&cmd_dossier_entry,
				    "dossier get-file nhận một trong --editable, "
				    "--pdf");
			src.slot = ch == 'e' ? "editable" : "pdf";
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			force = true;
			break;
		default:
			return cmd_args_usage_error(&cmd_dossier_entry, NULL);
		}
	}
	if (src.document == NULL || src.document[0] == '\0' || src.slot == NULL ||
	    (out != NULL && out[0] == '\0'))
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier get-file cần --document và --editable hoặc --pdf");
	if ((rc = cmd_args_one_dossier_id(&cmd_dossier_entry, argc - optind,
	    argv + optind, &src.dossier_id)) != EXIT_OK)
		return rc;

	if ((rc = transfer_download(ctx, &src, out, force, &got)) != EXIT_OK)
		return rc;
	if (ctx->json) {
		struct output_json	j;

		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_uint(&j, "dossier_id", src.dossier_id);
		output_json_string(&j, "document", src.document);
		output_json_string(&j, "slot", src.slot);
		output_json_string(&j, "path", got.path);
		output_json_uint(&j, "size", got.size);
		output_json_string(&j, "sha256", got.sha256);
		output_json_end(&j);
	} else {
		dossier_output_size(got.size, size);
		printf("Đã tải về \"%s\" (%s, SHA-256 %.12s… khớp với máy chủ).\n",
		    got.path, size, got.sha256);
	}
	free(got.path);
	return EXIT_OK;
}
