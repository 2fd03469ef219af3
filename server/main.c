/*
 * main.c - tdkt-server's command line: run, init, migrate, keys, check a config.
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

#include "curve.h"
#include "db_accounts.h"
#include "db_embedded.h"
#include "db_migrations.h"
#include "log.h"
#include "passwords.h"
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
	    "       tdkt-server [-c FILE] init --data-dir DIR [--admin USER]\n"
	    "                  [--admin-password-file FILE]\n"
	    "                                               create a data directory: its\n"
	    "                                               configuration, private database,\n"
	    "                                               CURVE key pair and first administrator\n"
	    "       tdkt-server [-c FILE] keygen            create the server's key pair if missing\n"
	    "       tdkt-server [-c FILE] public-key        print the server's public key, for the\n"
	    "                                               server_public_key of clients and workers\n"
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

/* Creates the server's key pair unless its file exists; 0 or -1. */
static int
make_key(const struct server_config *conf, char **cause)
{
	struct curve_keypair	 kp;
	char			*path = server_config_key_path(conf);
	struct stat		 st;
	int			 rc = 0;

	if (stat(path, &st) == 0)
		printf("the server's key pair is in %s\n", path);
	else if ((rc = curve_keyfile_create(path, "tdkt-server", &kp,
	    cause)) == 0) {
		printf("created the server's key pair in %s\n"
		    "its public key, for clients and workers (server_public_key):\n"
		    "  %s\n", path, kp.public_key);
		curve_keypair_clear(&kp);
	}
	free(path);
	return rc;
}

/* The first line of `path`, without its newline (caller frees); NULL with *cause. */
static char *
read_password_file(const char *path, char **cause)
{
	char	 buf[PASSWORD_MAX_BYTES + 2];
	FILE	*fp;

	if ((fp = fopen(path, "re")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fgets(buf, sizeof buf, fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

/*
 * Adds the first administrator unless accounts exist: with the password in
 * `password_file`, or a made-up one printed once, to change at first login.
 */
static int
make_admin(const struct server_config *conf, const char *conninfo,
    const char *username, const char *password_file, char **cause)
{
	struct password_cost	 cost;
	char			 generated[17], hash[PASSWORD_HASH_SIZE];
	char			*password;
	const char		*weakness;
	int			 rc = -1;

	if (password_file != NULL) {
		if ((password = read_password_file(password_file, cause)) == NULL)
			return -1;
	} else {
		passwords_generate(generated);
		password = xstrdup(generated);
	}
	if ((weakness = passwords_weakness(password, username)) != NULL) {
		*cause = xasprintf("%s: %s", password_file, weakness);
		goto out;
	}
	cost.ops = (unsigned long long)conf->auth_hash_passes;
	cost.memory_bytes = (size_t)conf->auth_hash_memory_kib * 1024;
	if (passwords_hash_now(&cost, password, hash) < 0) {
		*cause = xstrdup("could not hash the password: out of memory");
		goto out;
	}
	switch (db_accounts_add_first_admin(conninfo, username,
	    "Quản trị hệ thống", hash, password_file == NULL, cause)) {
	case 1:
		if (password_file != NULL)
			printf("administrator \"%s\" created with the password "
			    "in %s\n", username, password_file);
		else
			printf("administrator \"%s\" created; password (shown "
			    "once, to change at first login): %s\n", username,
			    password);
		rc = 0;
		break;
	case 0:
		printf("accounts exist already; no administrator added\n");
		rc = 0;
		break;
	}
out:
	explicit_bzero(password, strlen(password));
	free(password);
	explicit_bzero(generated, sizeof generated);
	return rc;
}

static int
cmd_keygen(struct server_config *conf)
{
	char	*cause = NULL;

	if (make_key(conf, &cause) < 0) {
		log_warnx("keygen: %s", cause);
		free(cause);
		return 1;
	}
	return 0;
}

static int
cmd_public_key(struct server_config *conf)
{
	struct curve_keypair	 kp;
	char			*path = server_config_key_path(conf), *cause = NULL;
	int			 rc = 0;

	if (curve_keyfile_read(path, &kp, &cause) < 0) {
		log_warnx("%s", cause);
		free(cause);
		rc = 1;
	} else
		printf("%s\n", kp.public_key);
	curve_keypair_clear(&kp);
	free(path);
	return rc;
}

static int
cmd_init(struct server_config *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data-dir", required_argument, NULL, 'D' },
		{ "admin", required_argument, NULL, 'a' },
		{ "admin-password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*dir = NULL, *admin = "admin";
	const char		*password_file = NULL;
	char			*cause = NULL, *path = NULL, *abs;
	struct db_embedded	*pg = NULL;
	uint32_t		 version;
	int			 ch, rc = 1;
	struct stat		 st;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "D:a:p:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			dir = optarg;
			break;
		case 'a':
			admin = optarg;
			break;
		case 'p':
			password_file = optarg;
			break;
		default:
			fprintf(stderr, "usage: tdkt-server init --data-dir DIR "
			    "[--admin USER] [--admin-password-file FILE]\n");
			return 2;
		}
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
	if (make_key(conf, &cause) < 0 ||
	    make_admin(conf, pg != NULL ? db_embedded_conninfo(pg) :
	    conf->database_url, admin, password_file, &cause) < 0 ||
	    write_config(conf, path, &cause) < 0)
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
	else if (strcmp(command, "keygen") == 0 && argc == 1)
		rc = cmd_keygen(&conf);
	else if (strcmp(command, "public-key") == 0 && argc == 1)
		rc = cmd_public_key(&conf);
	else {
		usage(stderr);
		rc = 2;
	}
	server_config_clear(&conf);
	return rc;
}
