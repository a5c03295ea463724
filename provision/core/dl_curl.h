/* dl_curl: libcurl through dynlib (see dynlib.h); include instead of <curl/curl.h>. */
#ifndef MT_DL_CURL_H
#define MT_DL_CURL_H

#include <curl/curl.h>
#include "dynlib.h"

#define DL_CURL_FUNCS(X) \
    X(curl_global_init) \
    X(curl_easy_init) \
    X(curl_easy_setopt) \
    X(curl_easy_perform) \
    X(curl_easy_getinfo) \
    X(curl_easy_cleanup) \
    X(curl_easy_strerror) \
    X(curl_slist_append) \
    X(curl_slist_free_all)

DL_DECLARE(curl, DL_CURL_FUNCS)

/* calls by the library's own names (curl.h may make two of them type-checking macros) */
#ifndef DL_IMPL
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init (*dl_curl.curl_global_init)
#define curl_easy_init (*dl_curl.curl_easy_init)
#define curl_easy_setopt (*dl_curl.curl_easy_setopt)
#define curl_easy_perform (*dl_curl.curl_easy_perform)
#define curl_easy_getinfo (*dl_curl.curl_easy_getinfo)
#define curl_easy_cleanup (*dl_curl.curl_easy_cleanup)
#define curl_easy_strerror (*dl_curl.curl_easy_strerror)
#define curl_slist_append (*dl_curl.curl_slist_append)
#define curl_slist_free_all (*dl_curl.curl_slist_free_all)
#endif

#endif
