/* dl_libs: the tables of dl_curl.h, dl_archive.h and dl_parted.h. The sonames
 * come from the Makefile (the libraries the build would have linked). */
#define DL_IMPL
#include "dl_archive.h"
#include "dl_curl.h"
#include "dl_parted.h"

#if !defined(MT_SONAME_CURL) || !defined(MT_SONAME_ARCHIVE) || !defined(MT_SONAME_PARTED)
#error "MT_SONAME_CURL, MT_SONAME_ARCHIVE and MT_SONAME_PARTED come from the Makefile"
#endif
/* an empty soname means the Makefile did not find the library's .so */
typedef char dl_soname_curl_found[sizeof(MT_SONAME_CURL) > 1 ? 1 : -1];
typedef char dl_soname_archive_found[sizeof(MT_SONAME_ARCHIVE) > 1 ? 1 : -1];
typedef char dl_soname_parted_found[sizeof(MT_SONAME_PARTED) > 1 ? 1 : -1];

#define DL_ENTRY_(f) {DL_STR(f), &DL_FNS_.f},
#define DL_COUNT_(t) (sizeof(t) / sizeof((t)[0]))

struct dl_curl_fns dl_curl;
#define DL_FNS_ dl_curl
static const struct dynlib_sym curl_syms[] = {DL_CURL_FUNCS(DL_ENTRY_)};
#undef DL_FNS_
struct dynlib dl_curl_lib = {MT_SONAME_CURL, "libcurl", "libcurl", curl_syms, DL_COUNT_(curl_syms), 0, ""};

struct dl_archive_fns dl_archive;
#define DL_FNS_ dl_archive
static const struct dynlib_sym archive_syms[] = {DL_ARCHIVE_FUNCS(DL_ENTRY_)};
#undef DL_FNS_
struct dynlib dl_archive_lib = {MT_SONAME_ARCHIVE, "libarchive", "libarchive", archive_syms,
                                DL_COUNT_(archive_syms), 0, ""};

struct dl_parted_fns dl_parted;
#define DL_FNS_ dl_parted
static const struct dynlib_sym parted_syms[] = {DL_PARTED_FUNCS(DL_ENTRY_)};
#undef DL_FNS_
struct dynlib dl_parted_lib = {MT_SONAME_PARTED, "libparted", "parted", parted_syms, DL_COUNT_(parted_syms), 0,
                               ""};
