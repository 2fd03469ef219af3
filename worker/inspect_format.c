/*
 * inspect_format.c - a document's format by its bytes; see inspect_format.h.
 *
 * DESIGN NOTES
 *
 * The bytes come from a school's upload, so everything here is hostile
 * input read in the worker's own process. Invariants:
 *
 * 1. Nothing is read outside buf[0..len): every offset and length read from
 *    the file goes through inspect_within() (or a loop bound derived from
 *    len) before the bytes it points at are touched. Arithmetic on them is
 *    done in uint64_t, where sums of 32-bit fields cannot overflow.
 * 2. The work is bounded whatever the file says: ZIP walks stop after
 *    ZIP_MAX_ENTRIES entries and ZIP_MAX_EOCD candidate end records; the
 *    compound-file walk follows at most OLE_MAX_DIR_SECTORS directory
 *    sectors and visits each directory entry at most once in all.
 * 3. A structure that does not add up is not an error: the walk stops and
 *    the format is decided on what was seen, falling back to weaker clues
 *    (a ZIP's local headers, names at directory-entry offsets).
 *
 * A ZIP is read twice, from its central directory (found by its end
 * record) and from its local headers in order, and the parts seen by
 * either count: a package written by a streaming writer (sizes after the
 * data) still shows its first entries, and one with a broken central
 * directory still shows its local headers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "inspect_format.h"

#define PDF_MAGIC		"%PDF-"
#define PDF_HEADER_WINDOW	1024	/* readers look this far for it */

#define ZIP_LFH_SIG		0x04034b50u	/* local file header */
#define ZIP_CDH_SIG		0x02014b50u	/* central directory header */
#define ZIP_EOCD_SIG		0x06054b50u	/* end of central directory */
#define ZIP_LFH_LEN		30
#define ZIP_CDH_LEN		46
#define ZIP_EOCD_LEN		22
#define ZIP_MAX_COMMENT		65535
#define ZIP_MAX_ENTRIES		65535
#define ZIP_MAX_EOCD		4	/* end-record candidates tried */
#define ZIP_FLAG_DESCRIPTOR	0x0008u	/* sizes follow the data */

#define OLE_HEADER_LEN		512
#define OLE_DIFAT_IN_HEADER	109
#define OLE_MAXREGSECT		0xfffffffau	/* above: special values */
#define OLE_NOSTREAM		0xffffffffu
#define OLE_ENTRY_LEN		128
#define OLE_NAME_MAX		64		/* bytes of UTF-16LE, with NUL */
#define OLE_TYPE_STREAM		2
#define OLE_TYPE_ROOT		5
#define OLE_MAX_DIR_SECTORS	256	/* 1024 entries or more: plenty */
#define OLE_STACK		512

static const uint8_t ole_magic[8] = {
	0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1
};

static const char *const inspect_format_names[INSPECT_NFORMATS] = {
	[INSPECT_FORMAT_UNKNOWN] = "unknown",
	[INSPECT_FORMAT_PDF] = "pdf",
	[INSPECT_FORMAT_DOCX] = "docx",
	[INSPECT_FORMAT_XLSX] = "xlsx",
	[INSPECT_FORMAT_PPTX] = "pptx",
	[INSPECT_FORMAT_ODT] = "odt",
	[INSPECT_FORMAT_ODS] = "ods",
	[INSPECT_FORMAT_ODP] = "odp",
	[INSPECT_FORMAT_DOC] = "doc",
	[INSPECT_FORMAT_XLS] = "xls",
	[INSPECT_FORMAT_PPT] = "ppt",
	[INSPECT_FORMAT_ZIP] = "zip",
};

/* The OpenDocument types a "mimetype" entry may hold, and their formats. */
static const struct {
	const char		*mimetype;
	enum inspect_format	 format;
} odf_types[] = {
	{ "application/vnd.oasis.opendocument.text", INSPECT_FORMAT_ODT },
	{ "application/vnd.oasis.opendocument.spreadsheet", INSPECT_FORMAT_ODS },
	{ "application/vnd.oasis.opendocument.presentation", INSPECT_FORMAT_ODP },
};

/* What a ZIP's entry names say about it. */
struct zip_parts {
	bool	content_types;		/* [Content_Types].xml */
	bool	word_main, xl_main, ppt_main;
	bool	word, xl, ppt;		/* anything under word/, xl/, ppt/ */
};

/* A compound file being read: its bytes and sector geometry. */
struct ole {
	const uint8_t	*buf;
	size_t		 len;
	unsigned	 shift;		/* sector size = 1 << shift */
	uint64_t	 ssize;
	uint32_t	 first_difat;
	uint32_t	 ndifat;
};

/* A compound file's directory: the chain of sectors that holds it. */
struct ole_dir {
	uint32_t	chain[OLE_MAX_DIR_SECTORS];
	size_t		nchain;
	uint64_t	nentries;
};

/* What the top of a compound file's directory holds. */
struct ole_streams {
	bool	word, excel, powerpoint;
};

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* True if [off, off + n) lies inside a buffer of `len` bytes. */
static bool
inspect_within(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* True if name[0..n) starts with `prefix`, ignoring ASCII case. */
static bool
name_has_prefix(const uint8_t *name, size_t n, const char *prefix)
{
	size_t	plen = strlen(prefix);

	if (n < plen)
		return false;
	for (size_t i = 0; i < plen; i++) {
		if (ascii_lower(name[i]) != ascii_lower((unsigned char)prefix[i]))
			return false;
	}
	return true;
}

/* True if name[0..n) is `s`, ignoring ASCII case. */
static bool
name_is(const uint8_t *name, size_t n, const char *s)
{
	return n == strlen(s) && name_has_prefix(name, n, s);
}

static void
zip_note(struct zip_parts *zp, const uint8_t *name, size_t n)
{
	if (name_is(name, n, "[Content_Types].xml"))
		zp->content_types = true;
	else if (name_is(name, n, "word/document.xml"))
		zp->word_main = zp->word = true;
	else if (name_is(name, n, "xl/workbook.xml"))
		zp->xl_main = zp->xl = true;
	else if (name_is(name, n, "ppt/presentation.xml"))
		zp->ppt_main = zp->ppt = true;
	else if (name_has_prefix(name, n, "word/"))
		zp->word = true;
	else if (name_has_prefix(name, n, "xl/"))
		zp->xl = true;
	else if (name_has_prefix(name, n, "ppt/"))
		zp->ppt = true;
}

/*
 * Walks the central directory that the end record at `eocd` points to.
 * Returns the number of entries seen.
 */
static size_t
zip_walk_central(const uint8_t *buf, size_t len, uint64_t eocd,
    struct zip_parts *zp)
{
	uint64_t	off = le32(buf + eocd + 16);
	unsigned	count = le16(buf + eocd + 10);
	size_t		seen = 0;

	for (unsigned i = 0; i < count && i < ZIP_MAX_ENTRIES; i++) {
		uint64_t	name_len, extra_len, comment_len;

		if (!inspect_within(len, off, ZIP_CDH_LEN) ||
		    le32(buf + off) != ZIP_CDH_SIG)
			break;
		name_len = le16(buf + off + 28);
		extra_len = le16(buf + off + 30);
		comment_len = le16(buf + off + 32);
		if (!inspect_within(len, off + ZIP_CDH_LEN, name_len))
			break;
		zip_note(zp, buf + off + ZIP_CDH_LEN, name_len);
		seen++;
		off += ZIP_CDH_LEN + name_len + extra_len + comment_len;
	}
	return seen;
}

/* Finds the end record from the end of the file and walks its directory. */
static void
zip_read_central(const uint8_t *buf, size_t len, struct zip_parts *zp)
{
	uint64_t	pos, lowest;
	int		tried = 0;

	if (len < ZIP_EOCD_LEN)
		return;
	pos = len - ZIP_EOCD_LEN;
	lowest = pos > ZIP_MAX_COMMENT ? pos - ZIP_MAX_COMMENT : 0;
	for (;; pos--) {
		if (le32(buf + pos) == ZIP_EOCD_SIG) {
			if (zip_walk_central(buf, len, pos, zp) > 0 ||
			    ++tried == ZIP_MAX_EOCD)
				return;
		}
		if (pos == lowest)
			return;
	}
}

/* Walks the local headers from the start, as far as their sizes are known. */
static void
zip_read_local(const uint8_t *buf, size_t len, struct zip_parts *zp)
{
	uint64_t	off = 0;

	for (unsigned i = 0; i < ZIP_MAX_ENTRIES; i++) {
		uint64_t	name_len, extra_len, csize;
		uint16_t	flags;

		if (!inspect_within(len, off, ZIP_LFH_LEN) ||
		    le32(buf + off) != ZIP_LFH_SIG)
			return;
		flags = le16(buf + off + 6);
		csize = le32(buf + off + 18);
		name_len = le16(buf + off + 26);
		extra_len = le16(buf + off + 28);
		if (!inspect_within(len, off + ZIP_LFH_LEN, name_len))
			return;
		zip_note(zp, buf + off + ZIP_LFH_LEN, name_len);
		if ((flags & ZIP_FLAG_DESCRIPTOR) || csize == 0xffffffffu)
			return;		/* where the next entry starts is unknown */
		off += ZIP_LFH_LEN + name_len + extra_len + csize;
	}
}

/* The OpenDocument format the first entry declares, or UNKNOWN. */
static enum inspect_format
zip_odf_mimetype(const uint8_t *buf, size_t len)
{
	uint64_t	name_len, extra_len, csize, usize, data;
	uint16_t	method;

	if (!inspect_within(len, 0, ZIP_LFH_LEN))
		return INSPECT_FORMAT_UNKNOWN;
	method = le16(buf + 8);
	csize = le32(buf + 18);
	usize = le32(buf + 22);
	name_len = le16(buf + 26);
	extra_len = le16(buf + 28);
	data = ZIP_LFH_LEN + name_len + extra_len;
	if (method != 0 || csize != usize ||
	    !inspect_within(len, ZIP_LFH_LEN, name_len) ||
	    !name_is(buf + ZIP_LFH_LEN, name_len, "mimetype") ||
	    !inspect_within(len, data, csize))
		return INSPECT_FORMAT_UNKNOWN;
	for (size_t i = 0; i < sizeof odf_types / sizeof odf_types[0]; i++) {
		if (csize == strlen(odf_types[i].mimetype) &&
		    memcmp(buf + data, odf_types[i].mimetype, csize) == 0)
			return odf_types[i].format;
	}
	return INSPECT_FORMAT_UNKNOWN;
}

static enum inspect_format
zip_detect(const uint8_t *buf, size_t len)
{
	struct zip_parts	zp = { 0 };
	enum inspect_format	odf;

	if ((odf = zip_odf_mimetype(buf, len)) != INSPECT_FORMAT_UNKNOWN)
		return odf;
	zip_read_central(buf, len, &zp);
	zip_read_local(buf, len, &zp);
	if (!zp.content_types)
		return INSPECT_FORMAT_ZIP;
	if (zp.word_main)
		return INSPECT_FORMAT_DOCX;
	if (zp.xl_main)
		return INSPECT_FORMAT_XLSX;
	if (zp.ppt_main)
		return INSPECT_FORMAT_PPTX;
	if (zp.word)
		return INSPECT_FORMAT_DOCX;
	if (zp.xl)
		return INSPECT_FORMAT_XLSX;
	if (zp.ppt)
		return INSPECT_FORMAT_PPTX;
	return INSPECT_FORMAT_ZIP;
}

/* Sets *out to sector `sect`'s bytes; -1 if it is not inside the file. */
static int
ole_sector(const struct ole *o, uint32_t sect, const uint8_t **out)
{
	uint64_t	off;

	if (sect >= OLE_MAXREGSECT)
		return -1;
	off = ((uint64_t)sect + 1) << o->shift;
	if (!inspect_within(o->len, off, o->ssize))
		return -1;
	*out = o->buf + off;
	return 0;
}

/* The sector holding the k-th sector of the FAT, or OLE_NOSTREAM. */
static uint32_t
ole_fat_sector(const struct ole *o, uint64_t k)
{
	uint64_t	 per = o->ssize / 4 - 1;	/* the last is the link */
	uint64_t	 hops;
	uint32_t	 d = o->first_difat;
	const uint8_t	*p;

	if (k < OLE_DIFAT_IN_HEADER)
		return le32(o->buf + 0x4c + 4 * k);
	k -= OLE_DIFAT_IN_HEADER;
	hops = k / per;
	if (hops >= o->ndifat)
		return OLE_NOSTREAM;
	/* Bounded: callers pass k only for sectors inside the file. */
	for (uint64_t i = 0; i < hops; i++) {
		if (ole_sector(o, d, &p) < 0)
			return OLE_NOSTREAM;
		d = le32(p + o->ssize - 4);
	}
	if (ole_sector(o, d, &p) < 0)
		return OLE_NOSTREAM;
	return le32(p + 4 * (k % per));
}

/* The sector after `sect` in its chain, or OLE_NOSTREAM. */
static uint32_t
ole_next(const struct ole *o, uint32_t sect)
{
	uint64_t	 per = o->ssize / 4;
	const uint8_t	*p;

	if (ole_sector(o, sect, &p) < 0 ||
	    ole_sector(o, ole_fat_sector(o, sect / per), &p) < 0)
		return OLE_NOSTREAM;
	return le32(p + 4 * (sect % per));
}

/* True if the directory entry at `e` is named `name` (ASCII). */
static bool
ole_entry_named(const uint8_t *e, const char *name)
{
	unsigned	nbytes = le16(e + 0x40);
	size_t		n = strlen(name);

	if (nbytes < 2 || nbytes > OLE_NAME_MAX || nbytes % 2 != 0 ||
	    nbytes / 2 - 1 != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (e[2 * i + 1] != 0 ||
		    ascii_lower(e[2 * i]) != ascii_lower((unsigned char)name[i]))
			return false;
	}
	return true;
}

static void
ole_note(const uint8_t *e, struct ole_streams *os)
{
	if (e[0x42] != OLE_TYPE_STREAM)
		return;
	if (ole_entry_named(e, "WordDocument"))
		os->word = true;
	else if (ole_entry_named(e, "Workbook") || ole_entry_named(e, "Book"))
		os->excel = true;
	else if (ole_entry_named(e, "PowerPoint Document"))
		os->powerpoint = true;
}

/* Directory entry `did`, or NULL if the directory does not reach it. */
static const uint8_t *
ole_entry(const struct ole *o, const struct ole_dir *dir, uint64_t did)
{
	uint64_t	 per_sector = o->ssize / OLE_ENTRY_LEN;
	const uint8_t	*p;

	if (did >= dir->nentries ||
	    ole_sector(o, dir->chain[did / per_sector], &p) < 0)
		return NULL;
	return p + (did % per_sector) * OLE_ENTRY_LEN;
}

/*
 * Walks the root storage's children (a tree through the left and right
 * sibling links) and notes their names. Returns 0, or -1 if the header or
 * the directory cannot be read.
 */
static int
ole_read_directory(const uint8_t *buf, size_t len, struct ole_streams *os)
{
	struct ole	 o = { .buf = buf, .len = len };
	struct ole_dir	 dir = { .nchain = 0 };
	uint32_t	 stack[OLE_STACK];
	uint32_t	 sect;
	const uint8_t	*root, *p;
	uint64_t	 visits = 0;
	size_t		 depth = 0;

	if (len < OLE_HEADER_LEN || le16(buf + 0x1c) != 0xfffe)
		return -1;
	o.shift = le16(buf + 0x1e);
	if (o.shift != 9 && o.shift != 12)
		return -1;
	o.ssize = (uint64_t)1 << o.shift;
	o.first_difat = le32(buf + 0x44);
	o.ndifat = le32(buf + 0x48);

	/* A chain that loops ends at OLE_MAX_DIR_SECTORS. */
	for (sect = le32(buf + 0x30); dir.nchain < OLE_MAX_DIR_SECTORS &&
	    ole_sector(&o, sect, &p) == 0; sect = ole_next(&o, sect))
		dir.chain[dir.nchain++] = sect;
	dir.nentries = dir.nchain * (o.ssize / OLE_ENTRY_LEN);

	if ((root = ole_entry(&o, &dir, 0)) == NULL ||
	    root[0x42] != OLE_TYPE_ROOT)
		return -1;
	stack[depth++] = le32(root + 0x4c);
	while (depth > 0) {
		uint32_t	 did = stack[--depth];
		const uint8_t	*e;

		/* Each entry once at most in all, so a cycle ends too. */
		if (did == 0 || did >= dir.nentries ||
		    ++visits > dir.nentries ||
		    (e = ole_entry(&o, &dir, did)) == NULL)
			continue;
		ole_note(e, os);
		if (depth + 2 <= OLE_STACK) {
			stack[depth++] = le32(e + 0x44);
			stack[depth++] = le32(e + 0x48);
		}
	}
	return 0;
}

/*
 * The fallback: stream names at directory-entry offsets (sectors start at
 * multiples of 512 bytes, entries at multiples of 128 within them).
 */
static void
ole_scan_names(const uint8_t *buf, size_t len, struct ole_streams *os)
{
	for (uint64_t off = OLE_HEADER_LEN;
	    inspect_within(len, off, OLE_ENTRY_LEN); off += OLE_ENTRY_LEN)
		ole_note(buf + off, os);
}

static enum inspect_format
ole_detect(const uint8_t *buf, size_t len)
{
	struct ole_streams	os = { 0 };

	if (ole_read_directory(buf, len, &os) < 0)
		ole_scan_names(buf, len, &os);
	if (os.word)
		return INSPECT_FORMAT_DOC;
	if (os.excel)
		return INSPECT_FORMAT_XLS;
	if (os.powerpoint)
		return INSPECT_FORMAT_PPT;
	return INSPECT_FORMAT_UNKNOWN;
}

enum inspect_format
inspect_format_detect(const void *data, size_t len)
{
	const uint8_t	*buf = data;
	size_t		 window = len < PDF_HEADER_WINDOW ? len : PDF_HEADER_WINDOW;

	if (len >= 5 && memcmp(buf, PDF_MAGIC, 5) == 0)
		return INSPECT_FORMAT_PDF;
	if (len >= 4 && (le32(buf) == ZIP_LFH_SIG || le32(buf) == ZIP_EOCD_SIG))
		return zip_detect(buf, len);
	if (len >= sizeof ole_magic &&
	    memcmp(buf, ole_magic, sizeof ole_magic) == 0)
		return ole_detect(buf, len);
	if (window > 0 && memmem(buf, window, PDF_MAGIC, 5) != NULL)
		return INSPECT_FORMAT_PDF;
	return INSPECT_FORMAT_UNKNOWN;
}

const char *
inspect_format_name(enum inspect_format f)
{
	if ((unsigned)f >= INSPECT_NFORMATS)
		return "unknown";
	return inspect_format_names[f];
}
