/*
 * harness_files.c - real documents for tests; see harness_files.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "harness.h"
#include "harness_files.h"
#include "xmalloc.h"

/* Appends `len` bytes to a growing buffer. */
static void
harness_put(char **buf, size_t *len, const void *data, size_t n)
{
	*buf = xreallocarray(*buf, *len + n + 1, 1);
	memcpy(*buf + *len, data, n);
	*len += n;
}

static void
harness_put_le(char **buf, size_t *len, uint32_t v, size_t bytes)
{
	unsigned char	b[4];

	for (size_t i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	harness_put(buf, len, b, bytes);
}

char *
harness_pdf(const char *what, size_t *len)
{
	char		*buf = NULL, obj[512], *stream;
	size_t		 offsets[5];
	int		 n;

	*len = 0;
	harness_put(&buf, len, "%PDF-1.4\n", 9);
	stream = xasprintf("%% %s\n", what);
	for (int i = 1; i <= 4; i++) {
		offsets[i] = *len;
		if (i == 1)
			n = snprintf(obj, sizeof obj, "1 0 obj\n<< /Type /Catalog "
			    "/Pages 2 0 R >>\nendobj\n");
		else if (i == 2)
			n = snprintf(obj, sizeof obj, "2 0 obj\n<< /Type /Pages "
			    "/Kids [3 0 R] /Count 1 >>\nendobj\n");
		else if (i == 3)
			n = snprintf(obj, sizeof obj, "3 0 obj\n<< /Type /Page "
			    "/Parent 2 0 R /MediaBox [0 0 595 842] /Contents "
			    "4 0 R >>\nendobj\n");
		else
			n = snprintf(obj, sizeof obj, "4 0 obj\n<< /Length %zu "
			    ">>\nstream\n%sendstream\nendobj\n", strlen(stream),
			    stream);
		harness_put(&buf, len, obj, (size_t)n);
	}
	free(stream);
	offsets[0] = *len;	/* where the cross-reference table starts */
	n = snprintf(obj, sizeof obj, "xref\n0 5\n0000000000 65535 f \n");
	harness_put(&buf, len, obj, (size_t)n);
	for (int i = 1; i <= 4; i++) {
		n = snprintf(obj, sizeof obj, "%010zu 00000 n \n", offsets[i]);
		harness_put(&buf, len, obj, (size_t)n);
	}
	n = snprintf(obj, sizeof obj, "trailer\n<< /Size 5 /Root 1 0 R >>\n"
	    "startxref\n%zu\n%%%%EOF\n", offsets[0]);
	harness_put(&buf, len, obj, (size_t)n);
	return buf;
}

static uint32_t
harness_crc32(const void *data, size_t len)
{
	const unsigned char	*p = data;
	uint32_t		 crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

char *
harness_docx(const char *what, size_t *len)
{
	const char	*names[2] = { "[Content_Types].xml",
			    "word/document.xml" };
	char		*data[2], *buf = NULL, *cd = NULL;
	size_t		 cd_len = 0, offsets[2];

	data[0] = xasprintf("<?xml version=\"1.0\"?><Types xmlns=\"http://"
	    "schemas.openxmlformats.org/package/2006/content-types\"><Override "
	    "PartName=\"/word/document.xml\" ContentType=\"application/"
	    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+"
	    "xml\"/></Types>");
	data[1] = xasprintf("<?xml version=\"1.0\"?><w:document xmlns:w=\"http:"
	    "//schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
	    "<w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>", what);
	*len = 0;
	for (int i = 0; i < 2; i++) {
		uint32_t	crc = harness_crc32(data[i], strlen(data[i]));
		uint32_t	size = (uint32_t)strlen(data[i]);
		uint32_t	nlen = (uint32_t)strlen(names[i]);

		offsets[i] = *len;
		harness_put_le(&buf, len, 0x04034b50, 4);	/* local header */
		harness_put_le(&buf, len, 20, 2);
		harness_put_le(&buf, len, 0, 2);	/* flags */
		harness_put_le(&buf, len, 0, 2);	/* stored */
		harness_put_le(&buf, len, 0, 2);	/* time */
		harness_put_le(&buf, len, 0x21, 2);	/* 1980-01-01 */
		harness_put_le(&buf, len, crc, 4);
		harness_put_le(&buf, len, size, 4);
		harness_put_le(&buf, len, size, 4);
		harness_put_le(&buf, len, nlen, 2);
		harness_put_le(&buf, len, 0, 2);
		harness_put(&buf, len, names[i], nlen);
		harness_put(&buf, len, data[i], size);

		harness_put_le(&cd, &cd_len, 0x02014b50, 4);	/* central */
		harness_put_le(&cd, &cd_len, 20, 2);
		harness_put_le(&cd, &cd_len, 20, 2);
		harness_put_le(&cd, &cd_len, 0, 2);
		harness_put_le(&cd, &cd_len, 0, 2);
		harness_put_le(&cd, &cd_len, 0, 2);
		harness_put_le(&cd, &cd_len, 0x21, 2);
		harness_put_le(&cd, &cd_len, crc, 4);
		harness_put_le(&cd, &cd_len, size, 4);
		harness_put_le(&cd, &cd_len, size, 4);
		harness_put_le(&cd, &cd_len, nlen, 2);
		harness_put_le(&cd, &cd_len, 0, 2);	/* extra */
		harness_put_le(&cd, &cd_len, 0, 2);	/* comment */
		harness_put_le(&cd, &cd_len, 0, 2);	/* disk */
		harness_put_le(&cd, &cd_len, 0, 2);
		harness_put_le(&cd, &cd_len, 0, 4);
		harness_put_le(&cd, &cd_len, (uint32_t)offsets[i], 4);
		harness_put(&cd, &cd_len, names[i], nlen);
		free(data[i]);
	}
	offsets[0] = *len;
	harness_put(&buf, len, cd, cd_len);
	harness_put_le(&buf, len, 0x06054b50, 4);	/* end of directory */
	harness_put_le(&buf, len, 0, 2);
	harness_put_le(&buf, len, 0, 2);
	harness_put_le(&buf, len, 2, 2);
	harness_put_le(&buf, len, 2, 2);
	harness_put_le(&buf, len, (uint32_t)cd_len, 4);
	harness_put_le(&buf, len, (uint32_t)offsets[0], 4);
	harness_put_le(&buf, len, 0, 2);
	free(cd);
	return buf;
}

const char *
harness_document_file(struct harness *h, const char *name,
    const char *what)
{
	const char	*path = harness_path(h, "%s", name);
	char		*content;
	size_t		 len;
	FILE		*fp;

	content = strstr(name, ".pdf") != NULL ? harness_pdf(what, &len) :
	    harness_docx(what, &len);
	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(content, 1, len, fp) != len || fclose(fp) != 0)
		ck_abort_msg("could not write %s", path);
	free(content);
	return path;
}

