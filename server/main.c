/*
 * main.c - tdkt-server's command line: run, init, migrate, check a config.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db_embedded.h"
#include "db_migrations.h"
#include "log.h"
#include "server.h"
#include "server_config.h"
#include "version.h"
#include "xmalloc.h"

#define CONFIG_FILE_NAME	"tdkt-server.yaml"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tdkt-server [-d] [-c FILE]              run the server\n"
	    "       tdkt-server [-c FILE] -n                check the configuration\n"
	    "       tdkt-server [-c FILE] migrate           apply schema migrations and exit\n"
	    "       tdkt-server [-c FILE] init --data-dir DIR\n"
	    "                                               create a data directory: its\n"
	    "                                               configuration and private database\n"
	    "       tdkt-server --example-config            print the commented example configuration\n"
	    "\n"
	    "options:\n"
	    "  -c, --config FILE   configuration file (without it, every option has its default)\n"
	    "  -n, --check         check the configuration, print \"configuration OK\" or every\n"
	    "                      error as file:line:col: message, and exit\n"
	    "  -d, --debug         log at debug level\n"
	    "  -h, --help          show this help\n"
	    "  -V, --version       show the version\n"
	    "\n"
	    "configuration options (YAML, nested by the dots in their names):\n");
	cfg_write_help(fp, server_config_options, server_config_noptions);
}

/*
 * Creates `dir` if needed and returns its absolute path; NULL with *cause.
 * Only a directory made here gets its mode set: an existing one (say /tmp)
 * is the administrator's.
 */
static char *
make_data_dir(const char *dir, char **cause)
{
	/* Root runs PostgreSQL as another user, which must be able to enter it. */
	mode_t	 mode = geteuid() == 0 ? 0711 : 0700;
	bool	 created = true;
	char	*abs;

	if (mkdir(dir, mode) < 0) {
		if (errno != EEXIST) {
			*cause = xasprintf("could not create \"%s\": %s", dir,
			    strerror(errno));
			return NULL;
		}
		created = false;
	}
	if ((abs = realpath(dir, NULL)) == NULL) {
		*cause = xasprintf("could not resolve \"%s\": %s", dir,
		    strerror(errno));
		return NULL;
	}
	if (created && chmod(abs, mode) < 0) {
		*cause = xasprintf("could not set the mode of \"%s\": %s", abs,
		    strerror(errno));
		free(abs);
		return NULL;
	}
	return abs;
}

static int
write_config(const struct server_config *conf, const char *path, char **cause)
{
	FILE	*fp;
	char	*tmp = xasprintf("%s.tmp", path);
	int	 fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("could not write \"%s\": %s", tmp,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	cfg_write(fp, server_config_options, server_config_noptions, conf,
	    server_config_header);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		*cause = xasprintf("could not write \"%s\": %s", tmp,
		    strerror(errno));
		fclose(fp);
		goto out;
	}
	fclose(fp);
	if (rename(tmp, path) < 0) {
		*cause = xasprintf("could not rename \"%s\": %s", tmp,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

static int
cmd_init(struct server_config *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data-dir", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*dir = NULL;
	char			*cause = NULL, *path = NULL, *abs;
	struct db_embedded	*pg = NULL;
	uint32_t		 version;
	int			 ch, rc = 1;
	struct stat		 st;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "D:", longopts, NULL)) != -1) {
		if (ch != 'D') {
			fprintf(stderr, "usage: tdkt-server init --data-dir DIR\n");
			return 2;
		}
		dir = optarg;
	}
	if (dir == NULL || optind != argc) {
		fprintf(stderr, "usage: tdkt-server init --data-dir DIR\n");
		return 2;
	}
	if ((abs = make_data_dir(dir, &cause)) == NULL)
		goto out;
	free(conf->data_dir);
	conf->data_dir = abs;
	path = xasprintf("%s/%s", abs, CONFIG_FILE_NAME);
	if (stat(path, &st) == 0) {
		cause = xasprintf("\"%s\" already exists; the data directory is "
		    "already initialised", path);
		goto out;
	}
	if (server_config_embedded(conf)) {
		/*
		 * A cluster without a configuration is what an init that
		 * failed after initdb leaves: carry on from there.
		 */
		if ((!db_embedded_exists(conf) &&
		    db_embedded_create(conf, &cause) < 0) ||
		    (pg = db_embedded_start(conf, &cause)) == NULL ||
		    db_migrations_run(db_embedded_conninfo(pg), &version,
		    &cause) < 0)
			goto out;
	} else if (db_migrations_run(conf->database_url, &version, &cause) < 0)
		goto out;
	if (write_config(conf, path, &cause) < 0)
		goto out;
	printf("initialised %s (schema version %u)\n"
	    "start the server with: tdkt-server -c %s\n", abs, version, path);
	rc = 0;
out:
	db_embedded_stop(&pg);
	if (cause != NULL) {
		log_warnx("init: %s", cause);
		free(cause);
	}
	free(path);
	return rc;
}

static int
cmd_migrate(struct server_config *conf)
{
	struct db_embedded	*pg = NULL;
	char			*cause = NULL;
	const char		*conninfo = conf->database_url;
	uint32_t		 version;
	int			 rc = 1;

	if (server_config_embedded(conf)) {
		if ((pg = db_embedded_start(conf, &cause)) == NULL)
			goto out;
		conninfo = db_embedded_conninfo(pg);
	}
	if (db_migrations_run(conninfo, &version, &cause) < 0)
		goto out;
	printf("schema version %u\n", version);
	rc = 0;
out:
	db_embedded_stop(&pg);
	if (cause != NULL) {
		log_warnx("migrate: %s", cause);
		free(cause);
	}
	return rc;
}

static int
cmd_run(struct server_config *conf)
{
	struct server	*s;
	char		*cause = NULL;
	int		 rc;

	log_info("tdkt-server %s starting", TDKT_VERSION);
	if ((s = server_new(conf, &cause)) == NULL) {
		log_warnx("cannot start: %s", cause);
		free(cause);
		return 1;
	}
	rc = server_run(s);
	server_free(&s);
	log_info("stopped");
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
	struct server_config	 conf;
	const char		*config_path = NULL, *command = "run";
	bool			 check = false, debug = false, example = false;
	int			 ch, rc;
	enum log_level		 level;

	log_init("tdkt-server", LOG_LEVEL_INFO);
	/* "+": options after the command belong to the command. */
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
			printf("tdkt-server %s (protocol %d)\n", TDKT_VERSION,
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
	argc -= optind;
	argv += optind;
	if (argc > 0)
		command = argv[0];

	server_config_init(&conf);
	if (example) {
		cfg_write(stdout, server_config_options, server_config_noptions,
		    &conf, server_config_header);
		server_config_clear(&conf);
		return 0;
	}
	if (config_path != NULL && server_config_load(&conf, config_path) < 0) {
		server_config_clear(&conf);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		server_config_clear(&conf);
		return 0;
	}
	level = (enum log_level)conf.log_level;
	log_set_level(debug ? LOG_LEVEL_DEBUG : level);

	if (strcmp(command, "run") == 0 && argc <= 1)
		rc = cmd_run(&conf);
	else if (strcmp(command, "migrate") == 0 && argc == 1)
		rc = cmd_migrate(&conf);
	else if (strcmp(command, "init") == 0)
		rc = cmd_init(&conf, argc, argv);
	else {
		usage(stderr);
		rc = 2;
	}
	server_config_clear(&conf);
	return rc;
}
