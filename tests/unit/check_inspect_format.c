/*
 * check_inspect_format.c - unit tests for format detection by bytes
 * (worker/inspect_format.c).
 *
 * The suite builds its samples byte by byte: ZIP packages with or without
 * a central directory and with streaming (data-descriptor) entries, and
 * OLE2 compound files with 512- and 4096-byte sectors, a directory over
 * several sectors, FAT sectors found through the DIFAT chain, and embedded
 * objects whose streams must not decide the format. Then it feeds the
 * detector what a hostile upload would: short and empty inputs, lengths
 * and offsets pointing past the end, loops in sector chains and directory
 * trees, every truncation of each sample and thousands of random byte
 * flips, which under ASan must never read outside the buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "inspect_format.h"
#include "xmalloc.h"

#define SAMPLE_MAX	(64 * 1024)

/* ---- ZIP samples ---- */

struct zentry {
	const char	*name;
	const char	*data;
	uint16_t	 method;	/* 0 stored, 8 deflated (not really) */
	uint16_t	 flags;		/* 0x0008: sizes in a data descriptor */
};

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p = put16(p, (uint16_t)v);
	return put16(p, (uint16_t)(v >> 16));
}

static uint8_t *
putbytes(uint8_t *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/*
 * Writes a ZIP of the `n` entries to `out` (SAMPLE_MAX bytes), with a
 * central directory and end record if `central`; returns its length.
 */
static size_t
zip_build(const struct zentry *e, size_t n, bool central, uint8_t *out)
{
	uint8_t		*p = out, *cd_start;
	uint32_t	 offsets[32], cd_len;

	ck_assert_uint_le(n, 32);
	for (size_t i = 0; i < n; i++) {
		uint32_t	size = (uint32_t)strlen(e[i].data);
		bool		desc = (e[i].flags & 0x0008) != 0;

		offsets[i] = (uint32_t)(p - out);
		p = put32(p, 0x04034b50);
		p = put16(p, 20);
		p = put16(p, e[i].flags);
		p = put16(p, e[i].method);
		p = put32(p, 0);			/* time, date */
		p = put32(p, 0);			/* crc */
		p = put32(p, desc ? 0 : size);
		p = put32(p, desc ? 0 : size);
		p = put16(p, (uint16_t)strlen(e[i].name));
		p = put16(p, 0);
		p = putbytes(p, e[i].name, strlen(e[i].name));
		p = putbytes(p, e[i].data, size);
		if (desc) {
			p = put32(p, 0x08074b50);
			p = put32(p, 0);
			p = put32(p, size);
			p = put32(p, size);
		}
	}
	if (!central)
		return (size_t)(p - out);
	cd_start = p;
	for (size_t i = 0; i < n; i++) {
		uint32_t	size = (uint32_t)strlen(e[i].data);

		p = put32(p, 0x02014b50);
		p = put16(p, 20);
		p = put16(p, 20);
		p = put16(p, e[i].flags);
		p = put16(p, e[i].method);
		p = put32(p, 0);
		p = put32(p, 0);
		p = put32(p, size);
		p = put32(p, size);
		p = put16(p, (uint16_t)strlen(e[i].name));
		p = put16(p, 0);			/* extra */
		p = put16(p, 0);			/* comment */
		p = put16(p, 0);			/* disk */
		p = put16(p, 0);			/* internal attributes */
		p = put32(p, 0);			/* external attributes */
		p = put32(p, offsets[i]);
		p = putbytes(p, e[i].name, strlen(e[i].name));
	}
	cd_len = (uint32_t)(p - cd_start);
	p = put32(p, 0x06054b50);
	p = put16(p, 0);			/* disk */
	p = put16(p, 0);			/* the directory's disk */
	p = put16(p, (uint16_t)n);
	p = put16(p, (uint16_t)n);
	p = put32(p, cd_len);
	p = put32(p, (uint32_t)(cd_start - out));
	p = put16(p, 0);			/* comment */
	return (size_t)(p - out);
}

static const struct zentry docx_entries[] = {
	{ "[Content_Types].xml", "<Types/>", 8, 0 },
	{ "_rels/.rels", "<Relationships/>", 8, 0 },
	{ "docProps/app.xml", "<Properties/>", 8, 0 },
	{ "word/styles.xml", "<w:styles/>", 8, 0 },
	{ "word/document.xml", "<w:document/>", 8, 0 },
};

static const struct zentry xlsx_entries[] = {
	{ "[Content_Types].xml", "<Types/>", 8, 0 },
	{ "_rels/.rels", "<Relationships/>", 8, 0 },
	{ "xl/workbook.xml", "<workbook/>", 8, 0 },
	{ "xl/worksheets/sheet1.xml", "<worksheet/>", 8, 0 },
};

static const struct zentry pptx_entries[] = {
	{ "[Content_Types].xml", "<Types/>", 8, 0 },
	{ "_rels/.rels", "<Relationships/>", 8, 0 },
	{ "ppt/slides/slide1.xml", "<p:sld/>", 8, 0 },
	{ "ppt/presentation.xml", "<p:presentation/>", 8, 0 },
};

static const struct zentry odt_entries[] = {
	{ "mimetype", "application/vnd.oasis.opendocument.text", 0, 0 },
	{ "META-INF/manifest.xml", "<manifest/>", 8, 0 },
	{ "content.xml", "<office:document-content/>", 8, 0 },
};

static enum inspect_format
zip_detect_entries(const struct zentry *e, size_t n, bool central)
{
	uint8_t			*buf = xmalloc(SAMPLE_MAX);
	size_t			 len = zip_build(e, n, central, buf);
	enum inspect_format	 f = inspect_format_detect(buf, len);

	free(buf);
	return f;
}

#define ZIP_DETECT(entries, central) \
	zip_detect_entries(entries, sizeof entries / sizeof entries[0], central)

START_TEST(test_format_docx)
{
	ck_assert_int_eq(ZIP_DETECT(docx_entries, true), INSPECT_FORMAT_DOCX);
}
END_TEST

START_TEST(test_format_xlsx)
{
	ck_assert_int_eq(ZIP_DETECT(xlsx_entries, true), INSPECT_FORMAT_XLSX);
}
END_TEST

START_TEST(test_format_pptx)
{
	ck_assert_int_eq(ZIP_DETECT(pptx_entries, true), INSPECT_FORMAT_PPTX);
}
END_TEST

/* Found from the local headers alone, as in a file cut before its end. */
START_TEST(test_format_docx_without_central_directory)
{
	ck_assert_int_eq(ZIP_DETECT(docx_entries, false), INSPECT_FORMAT_DOCX);
	ck_assert_int_eq(ZIP_DETECT(xlsx_entries, false), INSPECT_FORMAT_XLSX);
}
END_TEST

/* A streaming writer's local headers give no sizes: the directory does. */
START_TEST(test_format_docx_streamed)
{
	struct zentry	e[5];

	memcpy(e, docx_entries, sizeof e);
	for (size_t i = 0; i < 5; i++)
		e[i].flags = 0x0008;
	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_DOCX);
	/* Without the directory only the first entry is seen: a ZIP. */
	ck_assert_int_eq(ZIP_DETECT(e, false), INSPECT_FORMAT_ZIP);
}
END_TEST

/* A main part named otherwise, and names in another case. */
START_TEST(test_format_ooxml_by_prefix_and_case)
{
	static const struct zentry word2[] = {
		{ "[content_types].XML", "<Types/>", 8, 0 },
		{ "word/document2.xml", "<w:document/>", 8, 0 },
	};
	static const struct zentry xl_upper[] = {
		{ "[Content_Types].xml", "<Types/>", 8, 0 },
		{ "XL/Workbook.xml", "<workbook/>", 8, 0 },
	};
	/* A workbook embedded in a document is still the document. */
	static const struct zentry word_embeds_xl[] = {
		{ "[Content_Types].xml", "<Types/>", 8, 0 },
		{ "word/embeddings/Sheet1.xlsx", "PK", 0, 0 },
		{ "word/document.xml", "<w:document/>", 8, 0 },
	};

	ck_assert_int_eq(ZIP_DETECT(word2, true), INSPECT_FORMAT_DOCX);
	ck_assert_int_eq(ZIP_DETECT(xl_upper, true), INSPECT_FORMAT_XLSX);
	ck_assert_int_eq(ZIP_DETECT(word_embeds_xl, true), INSPECT_FORMAT_DOCX);
}
END_TEST

START_TEST(test_format_ooxml_without_content_types_is_zip)
{
	static const struct zentry e[] = {
		{ "_rels/.rels", "<Relationships/>", 8, 0 },
		{ "word/document.xml", "<w:document/>", 8, 0 },
	};

	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ZIP);
}
END_TEST

START_TEST(test_format_opendocument)
{
	struct zentry	e[3];

	memcpy(e, odt_entries, sizeof e);
	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ODT);
	e[0].data = "application/vnd.oasis.opendocument.spreadsheet";
	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ODS);
	e[0].data = "application/vnd.oasis.opendocument.presentation";
	ck_assert_int_eq(ZIP_DETECT(e, false), INSPECT_FORMAT_ODP);
}
END_TEST

START_TEST(test_format_opendocument_not_quite)
{
	struct zentry	e[3];

	memcpy(e, odt_entries, sizeof e);
	/* Another OpenDocument type (a drawing) or a longer one. */
	e[0].data = "application/vnd.oasis.opendocument.graphics";
	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ZIP);
	e[0].data = "application/vnd.oasis.opendocument.text-template";
	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ZIP);
	/* Compressed, or not the first entry. */
	memcpy(e, odt_entries, sizeof e);
	e[0].method = 8;
	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ZIP);
	e[0] = odt_entries[1];
	e[1] = odt_entries[0];
	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ZIP);
}
END_TEST

START_TEST(test_format_plain_zip)
{
	static const struct zentry e[] = {
		{ "report.pdf", "%PDF-1.4 ...", 0, 0 },
		{ "notes.txt", "hello", 0, 0 },
	};
	static const uint8_t empty_zip[22] = { 'P', 'K', 5, 6 };

	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ZIP);
	ck_assert_int_eq(inspect_format_detect(empty_zip, sizeof empty_zip),
	    INSPECT_FORMAT_ZIP);
}
END_TEST

/* Lengths and offsets that point past the end are not followed. */
START_TEST(test_format_zip_lying_fields)
{
	uint8_t	*buf = xmalloc(SAMPLE_MAX);
	size_t	 len = zip_build(docx_entries, 5, true, buf);
	size_t	 eocd = len - 22;

	/* The directory's offset past the end: the local headers still say. */
	put32(buf + eocd + 16, 0xfffffff0u);
	ck_assert_int_eq(inspect_format_detect(buf, len), INSPECT_FORMAT_DOCX);
	/* A first local header whose name runs past the end. */
	put16(buf + 26, 0xffff);
	ck_assert_int_eq(inspect_format_detect(buf, len), INSPECT_FORMAT_ZIP);
	/* A mimetype entry claiming 4 GiB. */
	len = zip_build(odt_entries, 3, true, buf);
	put32(buf + 18, 0xfffffffeu);
	put32(buf + 22, 0xfffffffeu);
	ck_assert_int_eq(inspect_format_detect(buf, len), INSPECT_FORMAT_ZIP);
	free(buf);
}
END_TEST

/* ---- OLE2 compound-file samples ---- */

#define CFB_FREESECT	0xffffffffu
#define CFB_ENDOFCHAIN	0xfffffffeu
#define CFB_FATSECT	0xfffffffdu
#define CFB_NOSTREAM	0xffffffffu
#define CFB_STORAGE	1
#define CFB_STREAM	2
#define CFB_ROOT	5

struct cfb_entry {
	const char	*name;
	uint8_t		 type;
	uint32_t	 left, right, child;
};

static void
cfb_header(uint8_t *out, unsigned shift, uint32_t first_dir)
{
	static const uint8_t	magic[8] = {
		0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1
	};

	memset(out, 0, 512);
	memcpy(out, magic, 8);
	put16(out + 0x18, 0x3e);
	put16(out + 0x1a, shift == 12 ? 4 : 3);
	put16(out + 0x1c, 0xfffe);
	put16(out + 0x1e, (uint16_t)shift);
	put16(out + 0x20, 6);
	put32(out + 0x2c, 1);			/* FAT sectors */
	put32(out + 0x30, first_dir);
	put32(out + 0x38, 4096);
	put32(out + 0x3c, CFB_ENDOFCHAIN);	/* mini FAT */
	put32(out + 0x44, CFB_ENDOFCHAIN);	/* DIFAT chain */
	put32(out + 0x48, 0);
	put32(out + 0x4c, 0);			/* FAT sector 0 is sector 0 */
	for (int i = 1; i < 109; i++)
		put32(out + 0x4c + 4 * i, CFB_FREESECT);
}

static void
cfb_entry_write(uint8_t *p, const struct cfb_entry *e)
{
	size_t	n = strlen(e->name);

	memset(p, 0, 128);
	for (size_t i = 0; i < n; i++)
		put16(p + 2 * i, (uint8_t)e->name[i]);
	put16(p + 0x40, (uint16_t)(2 * (n + 1)));
	p[0x42] = e->type;
	p[0x43] = 1;
	put32(p + 0x44, e->left);
	put32(p + 0x48, e->right);
	put32(p + 0x4c, e->child);
}

/*
 * Writes a compound file with sectors of 1 << shift bytes to `out`
 * (SAMPLE_MAX bytes): the header, the FAT in sector 0 and the `n` entries
 * in a directory from sector 1 on. Returns its length.
 */
static size_t
cfb_build(const struct cfb_entry *e, size_t n, unsigned shift, uint8_t *out)
{
	size_t	ssize = (size_t)1 << shift, per = ssize / 128;
	size_t	ndir = (n + per - 1) / per;
	uint8_t	*fat = out + ssize;

	ck_assert_uint_le((ndir + 2) * ssize, SAMPLE_MAX);
	memset(out, 0, (ndir + 2) * ssize);
	cfb_header(out, shift, 1);
	for (size_t i = 0; i < ssize / 4; i++)
		put32(fat + 4 * i, CFB_FREESECT);
	put32(fat, CFB_FATSECT);
	for (size_t d = 0; d < ndir; d++)
		put32(fat + 4 * (1 + d), d + 1 < ndir ? (uint32_t)(d + 2) :
		    CFB_ENDOFCHAIN);
	for (size_t i = 0; i < n; i++)
		cfb_entry_write(out + 2 * ssize + (i / per) * ssize +
		    (i % per) * 128, &e[i]);
	return (ndir + 2) * ssize;
}

static enum inspect_format
cfb_detect(const struct cfb_entry *e, size_t n, unsigned shift)
{
	uint8_t			*buf = xmalloc(SAMPLE_MAX);
	size_t			 len = cfb_build(e, n, shift, buf);
	enum inspect_format	 f = inspect_format_detect(buf, len);

	free(buf);
	return f;
}

#define NS	CFB_NOSTREAM
#define CFB_DETECT(e, shift)	cfb_detect(e, sizeof e / sizeof e[0], shift)

/* Root, and its two streams: the named one (1) and SummaryInformation. */
static const struct cfb_entry cfb_doc[] = {
	{ "Root Entry", CFB_ROOT, NS, NS, 1 },
	{ "WordDocument", CFB_STREAM, 2, NS, NS },
	{ "\005SummaryInformation", CFB_STREAM, NS, NS, NS },
};

START_TEST(test_format_doc_xls_ppt)
{
	struct cfb_entry	e[3];

	memcpy(e, cfb_doc, sizeof e);
	ck_assert_int_eq(CFB_DETECT(e, 9), INSPECT_FORMAT_DOC);
	ck_assert_int_eq(CFB_DETECT(e, 12), INSPECT_FORMAT_DOC);
	e[1].name = "Workbook";
	ck_assert_int_eq(CFB_DETECT(e, 9), INSPECT_FORMAT_XLS);
	e[1].name = "Book";		/* Excel 5 and 95 */
	ck_assert_int_eq(CFB_DETECT(e, 9), INSPECT_FORMAT_XLS);
	e[1].name = "PowerPoint Document";
	ck_assert_int_eq(CFB_DETECT(e, 12), INSPECT_FORMAT_PPT);
	e[1].name = "worddocument";	/* names compare without case */
	ck_assert_int_eq(CFB_DETECT(e, 9), INSPECT_FORMAT_DOC);
	/* A storage of that name is not the stream. */
	e[1].name = "WordDocument";
	e[1].type = CFB_STORAGE;
	ck_assert_int_eq(CFB_DETECT(e, 9), INSPECT_FORMAT_UNKNOWN);
}
END_TEST

/* Another compound file (an Outlook message, a Visio drawing). */
START_TEST(test_format_other_compound_file)
{
	static const struct cfb_entry e[] = {
		{ "Root Entry", CFB_ROOT, NS, NS, 1 },
		{ "__properties_version1.0", CFB_STREAM, NS, NS, NS },
	};

	ck_assert_int_eq(CFB_DETECT(e, 9), INSPECT_FORMAT_UNKNOWN);
}
END_TEST

/*
 * Embedded objects are storages of their own: a workbook inside a
 * document's ObjectPool does not make it a workbook, and the other way
 * round. The directory spans several sectors (four entries a sector).
 */
START_TEST(test_format_embedded_objects_do_not_count)
{
	static const struct cfb_entry doc[] = {
		{ "Root Entry", CFB_ROOT, NS, NS, 2 },
		{ "1Table", CFB_STREAM, NS, NS, NS },
		{ "ObjectPool", CFB_STORAGE, 1, 3, 4 },
		{ "WordDocument", CFB_STREAM, NS, NS, NS },
		{ "_1234567890", CFB_STORAGE, NS, NS, 5 },
		{ "Workbook", CFB_STREAM, 6, NS, NS },
		{ "\001Ole", CFB_STREAM, NS, NS, NS },
	};
	static const struct cfb_entry xls[] = {
		{ "Root Entry", CFB_ROOT, NS, NS, 1 },
		{ "Workbook", CFB_STREAM, NS, 2, NS },
		{ "MBD0001A2B3", CFB_STORAGE, NS, NS, 3 },
		{ "WordDocument", CFB_STREAM, NS, 4, NS },
		{ "PowerPoint Document", CFB_STREAM, NS, NS, NS },
	};

	ck_assert_int_eq(CFB_DETECT(doc, 9), INSPECT_FORMAT_DOC);
	ck_assert_int_eq(CFB_DETECT(xls, 9), INSPECT_FORMAT_XLS);
}
END_TEST

/*
 * A directory sector past the first 109 FAT sectors: its FAT sector is
 * found through the DIFAT chain. The file is some 7 MB.
 */
START_TEST(test_format_difat_chain)
{
	const uint32_t	 dir = 14000;	/* FAT sector 109, entry 48 */
	size_t		 len = ((size_t)dir + 2) * 512;
	uint8_t		*buf = xcalloc(1, len);

	cfb_header(buf, 9, dir);
	for (int i = 0; i < 109; i++)
		put32(buf + 0x4c + 4 * i, 0);	/* never read for `dir` */
	put32(buf + 0x44, 1);			/* DIFAT sector 1 */
	put32(buf + 0x48, 1);
	put32(buf + 2 * 512, 2);		/* the 110th FAT sector: 2 */
	put32(buf + 2 * 512 + 508, CFB_ENDOFCHAIN);
	put32(buf + 3 * 512 + 4 * (dir - 109 * 128), CFB_ENDOFCHAIN);
	cfb_entry_write(buf + (dir + 1) * 512, &cfb_doc[0]);
	cfb_entry_write(buf + (dir + 1) * 512 + 128,
	    &(struct cfb_entry){ "PowerPoint Document", CFB_STREAM, NS, NS, NS });
	ck_assert_int_eq(inspect_format_detect(buf, len), INSPECT_FORMAT_PPT);
	free(buf);
}
END_TEST

/* A directory that cannot be walked: names at entry offsets decide. */
START_TEST(test_format_compound_file_fallback)
{
	uint8_t	*buf = xmalloc(SAMPLE_MAX);
	size_t	 len = cfb_build(cfb_doc, 3, 9, buf);

	put32(buf + 0x30, CFB_ENDOFCHAIN);	/* no directory */
	ck_assert_int_eq(inspect_format_detect(buf, len), INSPECT_FORMAT_DOC);
	put16(buf + 0x1e, 7);			/* an impossible sector size */
	ck_assert_int_eq(inspect_format_detect(buf, len), INSPECT_FORMAT_DOC);
	/* The bare magic number. */
	ck_assert_int_eq(inspect_format_detect(buf, 8), INSPECT_FORMAT_UNKNOWN);
	ck_assert_int_eq(inspect_format_detect(buf, 600),
	    INSPECT_FORMAT_UNKNOWN);
	free(buf);
}
END_TEST

/* Loops in the sector chain and in the directory tree end. */
START_TEST(test_format_compound_file_loops)
{
	static const struct cfb_entry cycle[] = {
		{ "Root Entry", CFB_ROOT, NS, NS, 1 },
		{ "A", CFB_STREAM, 2, 2, NS },
		{ "B", CFB_STREAM, 1, 1, NS },
		{ "Workbook", CFB_STREAM, 1, 2, NS },
	};
	uint8_t	*buf = xmalloc(SAMPLE_MAX);
	size_t	 len;

	/* Siblings pointing at each other; Workbook is reached by none. */
	ck_assert_int_eq(CFB_DETECT(cycle, 9), INSPECT_FORMAT_UNKNOWN);
	/* A directory chain that points back at itself. */
	len = cfb_build(cfb_doc, 3, 9, buf);
	put32(buf + 512 + 4, 1);
	ck_assert_int_eq(inspect_format_detect(buf, len), INSPECT_FORMAT_DOC);
	/* Siblings and children pointing far past the directory. */
	put32(buf + 2 * 512 + 0x4c, 0x7fffffffu);
	ck_assert_int_eq(inspect_format_detect(buf, len),
	    INSPECT_FORMAT_UNKNOWN);
	free(buf);
}
END_TEST

#undef NS

/* ---- PDF and the rest ---- */

START_TEST(test_format_pdf)
{
	static const char	pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
	char			buf[2048];

	ck_assert_int_eq(inspect_format_detect(pdf, sizeof pdf - 1),
	    INSPECT_FORMAT_PDF);
	ck_assert_int_eq(inspect_format_detect("%PDF-", 5), INSPECT_FORMAT_PDF);
	/* Junk before the header, as readers allow within 1024 bytes. */
	memset(buf, ' ', sizeof buf);
	memcpy(buf + 1000, "%PDF-1.4", 8);
	ck_assert_int_eq(inspect_format_detect(buf, sizeof buf),
	    INSPECT_FORMAT_PDF);
	memset(buf, ' ', sizeof buf);
	memcpy(buf + 1020, "%PDF-1.4", 8);
	ck_assert_int_eq(inspect_format_detect(buf, sizeof buf),
	    INSPECT_FORMAT_UNKNOWN);
}
END_TEST

/* A ZIP that stores a PDF near its start is a ZIP. */
START_TEST(test_format_zip_holding_pdf)
{
	static const struct zentry e[] = {
		{ "scan.pdf", "%PDF-1.4\n...", 0, 0 },
	};

	ck_assert_int_eq(ZIP_DETECT(e, true), INSPECT_FORMAT_ZIP);
}
END_TEST

START_TEST(test_format_garbage_and_short)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		enum inspect_format format;
	} cases[] = {
		{ "", 0, INSPECT_FORMAT_UNKNOWN },
		{ "%", 1, INSPECT_FORMAT_UNKNOWN },
		{ "%PDF", 4, INSPECT_FORMAT_UNKNOWN },
		{ "PK", 2, INSPECT_FORMAT_UNKNOWN },
		{ "PK\003\004", 4, INSPECT_FORMAT_ZIP },
		{ "PK\003\004\024\000", 6, INSPECT_FORMAT_ZIP },
		{ "PK\005\006", 4, INSPECT_FORMAT_ZIP },
		{ "\xd0\xcf\x11\xe0", 4, INSPECT_FORMAT_UNKNOWN },
		{ "hello, world\n", 13, INSPECT_FORMAT_UNKNOWN },
		{ "\x89PNG\r\n\x1a\n", 8, INSPECT_FORMAT_UNKNOWN },
		{ "\xff\xd8\xff\xe0", 4, INSPECT_FORMAT_UNKNOWN },
		{ "{\\rtf1\\ansi", 11, INSPECT_FORMAT_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(inspect_format_detect(cases[i].bytes,
		    cases[i].len) == cases[i].format, "case %zu", i);
	ck_assert_int_eq(inspect_format_detect(NULL, 0),
	    INSPECT_FORMAT_UNKNOWN);
}
END_TEST

START_TEST(test_format_names)
{
	static const char *const names[INSPECT_NFORMATS] = {
		"unknown", "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp",
		"doc", "xls", "ppt", "zip",
	};

	for (int i = 0; i < INSPECT_NFORMATS; i++)
		ck_assert_str_eq(inspect_format_name((enum inspect_format)i),
		    names[i]);
	ck_assert_str_eq(inspect_format_name(INSPECT_NFORMATS), "unknown");
}
END_TEST

/* ---- Hostile bytes ---- */

/* Every truncation and many random corruptions of each sample. */
START_TEST(test_format_fuzz)
{
	uint8_t		*sample = xmalloc(SAMPLE_MAX), *copy;
	size_t		 len;
	unsigned	 seed = 20240601;

	switch (_i) {
	case 0:
		len = zip_build(docx_entries, 5, true, sample);
		break;
	case 1:
		len = zip_build(odt_entries, 3, true, sample);
		break;
	case 2:
		len = cfb_build(cfb_doc, 3, 9, sample);
		break;
	default:
		len = cfb_build(cfb_doc, 3, 12, sample);
		break;
	}
	/* Each prefix in a buffer of its own size, so ASan sees overreads. */
	for (size_t n = 0; n <= len; n++) {
		copy = xmalloc(n > 0 ? n : 1);
		memcpy(copy, sample, n);
		ck_assert_int_lt(inspect_format_detect(copy, n),
		    INSPECT_NFORMATS);
		free(copy);
	}
	copy = xmalloc(len);
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, sample, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			size_t	at = (size_t)rand_r(&seed) % len;

			/* Mostly the headers, where the fields are. */
			if (round % 2 == 0)
				at %= len < 600 ? len : 600;
			copy[at] = (uint8_t)(round % 3 == 0 ? 0xff :
			    rand_r(&seed));
		}
		ck_assert_int_lt(inspect_format_detect(copy, len),
		    INSPECT_NFORMATS);
	}
	free(copy);
	free(sample);
}
END_TEST

static Suite *
inspect_format_suite(void)
{
	Suite	*s = suite_create("inspect_format");
	TCase	*tc;

	tc = tcase_create("zip");
	tcase_add_test(tc, test_format_docx);
	tcase_add_test(tc, test_format_xlsx);
	tcase_add_test(tc, test_format_pptx);
	tcase_add_test(tc, test_format_docx_without_central_directory);
	tcase_add_test(tc, test_format_docx_streamed);
	tcase_add_test(tc, test_format_ooxml_by_prefix_and_case);
	tcase_add_test(tc, test_format_ooxml_without_content_types_is_zip);
	tcase_add_test(tc, test_format_opendocument);
	tcase_add_test(tc, test_format_opendocument_not_quite);
	tcase_add_test(tc, test_format_plain_zip);
	tcase_add_test(tc, test_format_zip_lying_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("ole2");
	tcase_add_test(tc, test_format_doc_xls_ppt);
	tcase_add_test(tc, test_format_other_compound_file);
	tcase_add_test(tc, test_format_embedded_objects_do_not_count);
	tcase_add_test(tc, test_format_difat_chain);
	tcase_add_test(tc, test_format_compound_file_fallback);
	tcase_add_test(tc, test_format_compound_file_loops);
	suite_add_tcase(s, tc);

	tc = tcase_create("other");
	tcase_add_test(tc, test_format_pdf);
	tcase_add_test(tc, test_format_zip_holding_pdf);
	tcase_add_test(tc, test_format_garbage_and_short);
	tcase_add_test(tc, test_format_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_format_fuzz, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(inspect_format_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
