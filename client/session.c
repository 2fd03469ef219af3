/*
 * session.c - the session token file; see session.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "xmalloc.h"

int
session_load(const char *path, char token[SESSION_TOKEN_MAX + 1])
{
	struct stat	 st;
	FILE		*fp;

	token[0] = '\0';
	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077) != 0) {
		fprintf(stderr, "tdkt: bỏ qua phiên đăng nhập trong \"%s\" vì "
		    "người khác đọc được tệp này; hãy đăng nhập lại\n", path);
		fclose(fp);
		return -1;
	}
	if (fgets(token, SESSION_TOKEN_MAX + 1, fp) == NULL)
		token[0] = '\0';
	fclose(fp);
	token[strcspn(token, "\r\n")] = '\0';
	return token[0] != '\0' ? 0 : -1;
}

/* Creates the directories above `path` that are missing, mode 0700. */
static int
session_make_dirs(const char *path)
{
	char	*dir = xstrdup(path);
	int	 rc = 0;

	for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

int
session_save(const char *path, const char *token)
{
	char	*tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	int	 fd, rc = -1;
	size_t	 len = strlen(token);

	if (session_make_dirs(path) < 0 ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		fprintf(stderr, "tdkt: không lưu được phiên đăng nhập vào \"%s\": "
		    "%s\n", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write(fd, token, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
	    fsync(fd) == 0 && close(fd) == 0 && rename(tmp, path) == 0)
		rc = 0;
	else {
		fprintf(stderr, "tdkt: không lưu được phiên đăng nhập vào \"%s\": "
		    "%s\n", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

void
session_remove(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		fprintf(stderr, "tdkt: không xóa được \"%s\": %s\n", path,
		    strerror(errno));
}
