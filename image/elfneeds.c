/* elfneeds: see elfneeds.h. libelf does the parsing (bounds, byte order, class);
 * this walks the program headers for PT_INTERP and the sections for the dynamic
 * table, the version needs and the notes. */
#include "elfneeds.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <json-c/json.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void put(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "?");
}

static int read_interp(Elf *e, struct elf_needs *n)
{
    size_t i, phnum = 0, size = 0;
    char *raw = elf_rawfile(e, &size);
    GElf_Phdr ph;

    if (elf_getphdrnum(e, &phnum) != 0)
        return -ENOEXEC;
    for (i = 0; i < phnum; i++) {
        if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
            continue;
        if (!raw || ph.p_offset >= size || ph.p_filesz > size - ph.p_offset || ph.p_filesz == 0)
            return -ENOEXEC;
        snprintf(n->interp, sizeof(n->interp), "%.*s", (int)strnlen(raw + ph.p_offset, ph.p_filesz),
                 raw + ph.p_offset);
    }
    return 0;
}

static void read_dynamic(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct elf_needs *n)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    size_t i, count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
    GElf_Dyn dyn;

    for (i = 0; d && i < count; i++) {
        if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag == DT_NULL)
            break;
        if (dyn.d_tag != DT_NEEDED)
            continue;
        if (n->n_needed == ELFN_MAX_NEEDED) {
            n->needed_truncated = true;
            continue;
        }
        put(n->needed[n->n_needed++], ELFN_NAME, elf_strptr(e, sh->sh_link, dyn.d_un.d_val));
    }
}

/* The verneed chain: sh_info entries, each with vn_cnt auxiliaries; every step is
 * bounded by the counts and by the data's size. */
static void read_verneed(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct elf_needs *n)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    size_t off = 0, i, j;
    GElf_Verneed vn;
    GElf_Vernaux va;

    for (i = 0; d && i < sh->sh_info && off < d->d_size; i++) {
        size_t aoff;
        if (!gelf_getverneed(d, (int)off, &vn))
            break;
        aoff = off + vn.vn_aux;
        for (j = 0; j < vn.vn_cnt && aoff < d->d_size; j++) {
            if (!gelf_getvernaux(d, (int)aoff, &va))
                break;
            if (n->n_versions == ELFN_MAX_VERSIONS) {
                n->versions_truncated = true;
            } else {
                put(n->versions[n->n_versions].file, ELFN_NAME, elf_strptr(e, sh->sh_link, vn.vn_file));
                put(n->versions[n->n_versions].name, ELFN_NAME, elf_strptr(e, sh->sh_link, va.vna_name));
                n->n_versions++;
            }
            if (va.vna_next == 0)
                break;
            aoff += va.vna_next;
        }
        if (vn.vn_next == 0)
            break;
        off += vn.vn_next;
    }
}

int elf_needs_parse_dlopen(const char *json, size_t len, struct elf_needs *n, struct mt_err *err)
{
    json_tokener *tok = json_tokener_new();
    json_object *doc = tok ? json_tokener_parse_ex(tok, json, (int)strnlen(json, len)) : NULL;
    size_t i, j;
    int r = 0;

    if (!doc || !json_object_is_type(doc, json_type_array)) {
        r = mt_err_set(err, -EINVAL, "its .note.dlopen is not a JSON array");
        goto out;
    }
    for (i = 0; i < (size_t)json_object_array_length(doc); i++) {
        json_object *o = json_object_array_get_idx(doc, i), *names;
        if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "soname", &names) ||
            !json_object_is_type(names, json_type_array)) {
            r = mt_err_set(err, -EINVAL, "its .note.dlopen entry %zu has no \"soname\" list", i);
            goto out;
        }
        for (j = 0; j < (size_t)json_object_array_length(names); j++) {
            const char *s = json_object_get_string(json_object_array_get_idx(names, j));
            if (!s || n->n_dlopen == ELFN_MAX_NEEDED)
                continue;
            put(n->dlopen[n->n_dlopen++], ELFN_NAME, s);
        }
    }
out:
    if (doc)
        json_object_put(doc);
    if (tok)
        json_tokener_free(tok);
    return r;
}

static int read_notes(Elf_Scn *scn, bool msb, struct elf_needs *n, struct mt_err *err)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    size_t off = 0, next, name_off, desc_off;
    GElf_Nhdr nh;
    int r;

    while (d && off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
        const char *name = (const char *)d->d_buf + name_off;
        const unsigned char *desc = (const unsigned char *)d->d_buf + desc_off;
        if (nh.n_namesz == 4 && !memcmp(name, "GNU", 4) && nh.n_type == NT_GNU_ABI_TAG && nh.n_descsz >= 16) {
            /* four words in the file's byte order (libelf converts the header only) */
            unsigned w[4], k;
            for (k = 0; k < 4; k++)
                w[k] = msb ? (unsigned)desc[4 * k] << 24 | desc[4 * k + 1] << 16 | desc[4 * k + 2] << 8 | desc[4 * k + 3]
                           : (unsigned)desc[4 * k + 3] << 24 | desc[4 * k + 2] << 16 | desc[4 * k + 1] << 8 | desc[4 * k];
            n->abi_note = true;
            n->abi_os = w[0];
            n->abi_kernel[0] = w[1];
            n->abi_kernel[1] = w[2];
            n->abi_kernel[2] = w[3];
        } else if (nh.n_namesz == 4 && !memcmp(name, "FDO", 4) && nh.n_type == ELF_NOTE_FDO_DLOPEN) {
            if ((r = elf_needs_parse_dlopen((const char *)desc, nh.n_descsz, n, err)) < 0)
                return r;
        }
        off = next;
    }
    return 0;
}

static int walk_sections(Elf *e, bool msb, struct elf_needs *n, struct mt_err *err)
{
    Elf_Scn *scn = NULL;
    GElf_Shdr sh;
    size_t count = 0;
    int r;

    while ((scn = elf_nextscn(e, scn)) != NULL) {
        if (!gelf_getshdr(scn, &sh))
            return mt_err_set(err, -ENOEXEC, "a section header cannot be read: %s", elf_errmsg(-1));
        count++;
        if (sh.sh_type == SHT_DYNAMIC)
            read_dynamic(e, scn, &sh, n);
        else if (sh.sh_type == SHT_GNU_verneed)
            read_verneed(e, scn, &sh, n);
        else if (sh.sh_type == SHT_NOTE && (r = read_notes(scn, msb, n, err)) < 0)
            return r;
    }
    if (count == 0)
        return mt_err_set(err, -ENOEXEC, "it has no section headers (stripped with sstrip?): what it needs "
                                         "cannot be read");
    return 0;
}

int elf_needs_read(const char *path, struct elf_needs *n, struct mt_err *err)
{
    struct mt_err sub = {0};
    GElf_Ehdr eh;
    Elf *e = NULL;
    int fd, r = 0;

    memset(n, 0, sizeof(*n));
    if (elf_version(EV_CURRENT) == EV_NONE)
        return mt_err_set(err, -ENOSYS, "libelf: %s", elf_errmsg(-1));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mt_err_errno(err, -errno, "%s", path);
    e = elf_begin(fd, ELF_C_READ, NULL);
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
        r = mt_err_set(err, -ENOEXEC, "%s: not an ELF executable%s%s", path, e ? "" : ": ",
                       e ? "" : elf_errmsg(-1));
        goto out;
    }
    n->elf_class = gelf_getclass(e);
    n->machine = eh.e_machine;
    n->type = eh.e_type;
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        r = mt_err_set(err, -ENOEXEC, "%s: an ELF file of type %u, not an executable", path, eh.e_type);
        goto out;
    }
    if (read_interp(e, n) < 0) {
        r = mt_err_set(err, -ENOEXEC, "%s: its program headers cannot be read: %s", path, elf_errmsg(-1));
        goto out;
    }
    if ((r = walk_sections(e, eh.e_ident[EI_DATA] == ELFDATA2MSB, n, &sub)) < 0)
        mt_err_set(err, r, "%s: %s", path, sub.msg);
out:
    if (e)
        elf_end(e);
    close(fd);
    return r;
}
