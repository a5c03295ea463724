/* elfneeds: what an ELF executable asks of the system that runs it, read with
 * libelf (elfutils, the gelf API): class and machine, the loader (PT_INTERP),
 * DT_NEEDED sonames, the symbol versions it needs (SHT_GNU_verneed), the kernel
 * of its NT_GNU_ABI_TAG note, and the sonames its ".note.dlopen" notes list
 * (systemd's ELF dlopen metadata, owner "FDO", type 0x407c0c0a, a JSON array of
 * {"soname": [...]} objects: the libraries it opens at run time). */
#ifndef MT_ELFNEEDS_H
#define MT_ELFNEEDS_H

#include "el6abi.h"
#include "mterr.h"

#define ELF_NOTE_FDO_DLOPEN 0x407c0c0au

/* Reads path into *n (zeroed first). -ENOENT/-EACCES.. when it cannot be opened,
 * -ENOEXEC when it is not an ELF file or is malformed; err names path and the cause. */
int elf_needs_read(const char *path, struct elf_needs *n, struct mt_err *err);

/* Parses the description of one FDO dlopen note (JSON) into n->dlopen. Pure.
 * -EINVAL (err says why) when it is not an array of objects with "soname" lists. */
int elf_needs_parse_dlopen(const char *json, size_t len, struct elf_needs *n, struct mt_err *err);

#endif
