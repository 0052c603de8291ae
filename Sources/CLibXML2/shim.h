#ifndef COEXIST_CLIBXML2_SHIM_H
#define COEXIST_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, so its encoding header pulls in the system ICU headers, whose
   UErrorCode clashes with the newer copy Foundation ships (_FoundationICU). coexist never touches
   libxml2's encoding handlers (input is UTF-8 only), so it does not need that part of the header. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
