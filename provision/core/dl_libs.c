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

/* DL_FNS_: the table DL_ENTRY_ (dynlib.h) points into */
#define DL_FNS_ dl_curl
DL_DEFINE(curl, DL_CURL_FUNCS, MT_SONAME_CURL, "libcurl");
#undef DL_FNS_
#define DL_FNS_ dl_archive
DL_DEFINE(archive, DL_ARCHIVE_FUNCS, MT_SONAME_ARCHIVE, "libarchive");
#undef DL_FNS_
#define DL_FNS_ dl_parted
DL_DEFINE(parted, DL_PARTED_FUNCS, MT_SONAME_PARTED, "parted");
#undef DL_FNS_

/* The same sonames as an ELF note, in systemd's ELF dlopen metadata format
 * (systemd.io/ELF_DLOPEN_METADATA: section .note.dlopen, owner "FDO", type
 * 0x407c0c0a, a JSON array of {"feature", "description", "priority", "soname"}):
 * mt-image reads it to judge the libraries the agent opens at run time, as it
 * judges the ones it links (image/elfneeds.h). */
#define DL_NOTE_JSON                                                                                        \
    "[{\"feature\":\"curl\",\"description\":\"configuration server API (register, heartbeat)\","               \
    "\"priority\":\"recommended\",\"soname\":[\"" MT_SONAME_CURL "\"]},"                                    \
    "{\"feature\":\"archive\",\"description\":\"payload extraction (apply, modules)\","                        \
    "\"priority\":\"recommended\",\"soname\":[\"" MT_SONAME_ARCHIVE "\"]},"                                 \
    "{\"feature\":\"parted\",\"description\":\"partitioning (provision)\","                                  \
    "\"priority\":\"recommended\",\"soname\":[\"" MT_SONAME_PARTED "\"]}]"
static const struct {
    unsigned int n_namesz, n_descsz, n_type;
    char name[4];
    char desc[(sizeof(DL_NOTE_JSON) + 3) & ~(size_t)3];
} dl_note_dlopen __attribute__((used, section(".note.dlopen"), aligned(4))) = {
    4, (sizeof(DL_NOTE_JSON) + 3) & ~(size_t)3, 0x407c0c0a, "FDO", DL_NOTE_JSON};
