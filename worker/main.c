/*
 * main.c - tdkt-worker's command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "curve.h"
#include "inspect_child.h"
#include "job_context.h"
#include "log.h"
#include "version.h"
#include "worker.h"
#include "worker_config.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tdkt-worker [-d] [-c FILE]      run a worker\n"
	    "       tdkt-worker [-c FILE] -n        check the configuration\n"
	    "       tdkt-worker keygen --out FILE   make this worker's CURVE key pair\n"
	    "       tdkt-worker --example-config    print the commented example configuration\n"
	    "\n"
	    "Start as many workers, on as many hosts, as the load needs; each\n"
	    "connects to the server, which hands it jobs up to its capacity.\n"
	    "Over TCP a worker needs a key pair of its own, allowed by an\n"
	    "administrator (`tdkt worker allow PUBLIC-KEY`), and the server's\n"
	    "public key.\n"
	    "\n"
	    "options:\n"
	    "  -c, --config FILE   configuration file (without it, every option has its default)\n"
	    "  -n, --check         check the configuration and exit\n"
	    "  -d, --debug         log at debug level\n"
	    "  -h, --help          show this help\n"
	    "  -V, --version       show the version\n"
	    "\n"
	    "configuration options (YAML, nested by the dots in their names):\n");
	cfg_write_help(fp, worker_config_options, worker_config_noptions);
}

/* `tdkt-worker keygen --out FILE`: a key pair, and what to do with it. */
static int
cmd_keygen(int argc, char **argv)
{
	struct curve_keypair	 kp;
	char			*cause = NULL;

	if (argc != 3 || strcmp(argv[1], "--out") != 0) {
		fprintf(stderr, "usage: tdkt-worker keygen --out FILE\n");
		return 2;
	}
	if (curve_keyfile_create(argv[2], "tdkt-worker", &kp, &cause) < 0) {
		log_warnx("keygen: %s", cause);
		free(cause);
		return 1;
	}
	printf("%s\n", kp.public_key);
	fprintf(stderr, "wrote %s; set key_file: %s in the worker's "
	    "configuration\nand have an administrator run: tdkt worker allow "
	    "%s\n", argv[2], argv[2], kp.public_key);
	curve_keypair_clear(&kp);
	return 0;
}

/*
 * The settings jobs share, from `conf`: NULL after printing every problem,
 * each prefixed with the file it came from.
 */
static struct job_context *
context_load(const struct worker_config *conf, const char *config_path)
{
	struct cfg_errors	 errs = { 0 };
	struct job_context	*ctx;

	if ((ctx = job_context_new(conf, &errs)) != NULL)
		return ctx;
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s: %s\n", config_path != NULL ? config_path :
		    "(defaults)", errs.items[i]);
	cfg_errors_free(&errs);
	return NULL;
}

/* Runs a worker, or checks its configuration; the exit code. */
static int
run(const char *config_path, bool check, bool debug)
{
	struct worker_config	 conf;
	struct job_context	*ctx = NULL;
	struct worker		*w;
	char			*cause = NULL;
	int			 rc = 1;

	worker_config_init(&conf);
	if (config_path != NULL && worker_config_load(&conf, config_path) < 0)
		goto done;
	if ((ctx = context_load(&conf, config_path)) == NULL)
		goto done;
	if (check) {
		printf("configuration OK\n");
		rc = 0;
		goto done;
	}
	log_set_level(debug ? LOG_LEVEL_DEBUG : (enum log_level)conf.log_level);
	log_info("tdkt-worker %s starting%s", TDKT_VERSION, conf.smtp_url[0] !=
	    '\0' ? "; e-mail through the configured relay" : "; no e-mail");
	if ((w = worker_new(&conf, &ctx, &cause)) == NULL) {
		log_warnx("cannot start: %s", cause);
		free(cause);
		goto done;
	}
	rc = worker_run(w);
	worker_free(&w);
done:
	job_context_free(&ctx);
	worker_config_clear(&conf);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "example-config", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	struct worker_config	 conf;
	const char		*config_path = NULL;
	bool			 check = false, debug = false, example = false;
	int			 ch, rc;

	/* The PDF check's child process (inspect_child.h), before all else. */
	if (argc >= 2 && strcmp(argv[1], INSPECT_CHILD_ARG) == 0)
		return inspect_child_main(argc, argv);
	log_init("tdkt-worker", LOG_LEVEL_INFO);
	/* "+": options after a command belong to the command. */
	while ((ch = getopt_long(argc, argv, "+c:ndhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tdkt-worker %s (protocol %d)\n", TDKT_VERSION,
			    TDKT_PROTOCOL_VERSION);
			return 0;
		case 'E':
			example = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "keygen") == 0)
		return cmd_keygen(argc - optind, argv + optind);
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (example) {
		worker_config_init(&conf);
		worker_config_example(&conf);
		cfg_write(stdout, worker_config_options, worker_config_noptions,
		    &conf, worker_config_header);
		worker_config_clear(&conf);
		return 0;
	}
	/* Before any thread exists: libcurl's set-up is not thread-safe. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("cannot start: could not initialise libcurl");
		return 1;
	}
	rc = run(config_path, check, debug);
	curl_global_cleanup();
	return rc;
}
