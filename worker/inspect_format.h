/*
 * inspect_format.h - what kind of document a file is, by its bytes alone.
 *
 * A pure function of the bytes, safe to run in the worker itself: it reads
 * only inside the buffer, trusts no length or offset the file states (each
 * is checked against the buffer before use) and does a bounded amount of
 * work whatever the input. It recognises the formats schools submit: PDF;
 * the Office Open XML and OpenDocument packages (ZIP files, told apart by
 * their parts); and the older Office files (OLE2 compound files, told apart
 * by the streams at the top of their directory).
 */
#ifndef TDKT_INSPECT_FORMAT_H
#define TDKT_INSPECT_FORMAT_H

#include <stddef.h>

enum inspect_format {
	INSPECT_FORMAT_UNKNOWN = 0,
	INSPECT_FORMAT_PDF,
	INSPECT_FORMAT_DOCX,
	INSPECT_FORMAT_XLSX,
	INSPECT_FORMAT_PPTX,
	INSPECT_FORMAT_ODT,
	INSPECT_FORMAT_ODS,
	INSPECT_FORMAT_ODP,
	INSPECT_FORMAT_DOC,
	INSPECT_FORMAT_XLS,
	INSPECT_FORMAT_PPT,
	INSPECT_FORMAT_ZIP,
	INSPECT_NFORMATS
};

/*
 * The format of buf[0..len):
 * - PDF: "%PDF-" in the first 1024 bytes (where readers look for it), and
 *   not a ZIP or OLE2 file that happens to hold those bytes;
 * - ODT/ODS/ODP: a ZIP whose first entry is "mimetype", stored, holding
 *   exactly the OpenDocument text, spreadsheet or presentation type;
 * - DOCX/XLSX/PPTX: a ZIP with a "[Content_Types].xml" entry and the main
 *   part word/document.xml, xl/workbook.xml or ppt/presentation.xml (else
 *   any entry under word/, xl/ or ppt/, in that order); macro-enabled and
 *   template variants count as their base format;
 * - any other ZIP: ZIP;
 * - DOC/XLS/PPT: an OLE2 compound file whose root storage holds the stream
 *   "WordDocument", "Workbook" (or Excel 5's "Book") or "PowerPoint
 *   Document"; streams of embedded objects, deeper down, do not count. A
 *   directory that cannot be walked falls back to finding those names
 *   anywhere in the bytes. Another compound file is UNKNOWN.
 * Entry names are compared without regard to ASCII case, as ZIP packages
 * and compound files name them.
 */
enum inspect_format	 inspect_format_detect(const void *buf, size_t len);

/* The wire name of `f` ("pdf", "docx", ..., "unknown"); never NULL. */
const char		*inspect_format_name(enum inspect_format f);

#endif
