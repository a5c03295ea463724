/* dl_archive: libarchive through dynlib (see dynlib.h); include instead of
 * <archive.h> and <archive_entry.h>. */
#ifndef MT_DL_ARCHIVE_H
#define MT_DL_ARCHIVE_H

#include <archive.h>
#include <archive_entry.h>
#include "dynlib.h"

/* libarchive 2 (EL6) has the same two entry points under older names */
#if ARCHIVE_VERSION_NUMBER < 3000000
#define archive_read_support_filter_all archive_read_support_compression_all
#define archive_read_free archive_read_finish
#endif

#define DL_ARCHIVE_FUNCS(X) \
    X(archive_read_new) \
    X(archive_read_support_filter_all) \
    X(archive_read_support_format_all) \
    X(archive_read_open) \
    X(archive_read_next_header) \
    X(archive_read_data_block) \
    X(archive_read_data) \
    X(archive_read_free) \
    X(archive_error_string) \
    X(archive_entry_pathname) \
    X(archive_entry_size) \
    X(archive_entry_size_is_set) \
    X(archive_entry_filetype) \
    X(archive_entry_mtime) \
    X(archive_entry_mode) \
    X(archive_entry_hardlink) \
    X(archive_entry_symlink)

DL_DECLARE(archive, DL_ARCHIVE_FUNCS)

/* calls by the library's own names */
#ifndef DL_IMPL
#define archive_read_new (*dl_archive.archive_read_new)
#define archive_read_support_format_all (*dl_archive.archive_read_support_format_all)
#define archive_read_open (*dl_archive.archive_read_open)
#define archive_read_next_header (*dl_archive.archive_read_next_header)
#define archive_read_data_block (*dl_archive.archive_read_data_block)
#define archive_read_data (*dl_archive.archive_read_data)
#define archive_error_string (*dl_archive.archive_error_string)
#define archive_entry_pathname (*dl_archive.archive_entry_pathname)
#define archive_entry_size (*dl_archive.archive_entry_size)
#define archive_entry_size_is_set (*dl_archive.archive_entry_size_is_set)
#define archive_entry_filetype (*dl_archive.archive_entry_filetype)
#define archive_entry_mtime (*dl_archive.archive_entry_mtime)
#define archive_entry_mode (*dl_archive.archive_entry_mode)
#define archive_entry_hardlink (*dl_archive.archive_entry_hardlink)
#define archive_entry_symlink (*dl_archive.archive_entry_symlink)
#if ARCHIVE_VERSION_NUMBER < 3000000
#define archive_read_support_compression_all (*dl_archive.archive_read_support_compression_all)
#define archive_read_finish (*dl_archive.archive_read_finish)
#else
#define archive_read_support_filter_all (*dl_archive.archive_read_support_filter_all)
#define archive_read_free (*dl_archive.archive_read_free)
#endif
#endif

#endif
