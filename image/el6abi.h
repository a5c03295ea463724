/* el6abi: can an agent binary run on CentOS 6.6 x86_64? What an ELF executable
 * needs (class, machine, loader, DT_NEEDED sonames, symbol versions, the kernel
 * of its ABI note; elfneeds.h reads them) judged against what CentOS 6.6
 * provides: glibc 2.12 (GLIBC_2.13 and newer are missing), kernel 2.6.32, and a
 * table of the sonames its packages ship (el6abi.c, each row naming the package
 * and upstream version it comes from). Pure: no I/O. */
#ifndef MT_EL6ABI_H
#define MT_EL6ABI_H

#include <stdbool.h>
#include <stddef.h>

#define EL6_GLIBC_MAJOR 2
#define EL6_GLIBC_MINOR 12
#define EL6_KERNEL "2.6.32"
#define EL6_LOADER "/lib64/ld-linux-x86-64.so.2"

/* What an ELF file asks of the system that runs it. */
#define ELFN_MAX_NEEDED 64
#define ELFN_MAX_VERSIONS 128
#define ELFN_NAME 128

struct elf_needs {
    int elf_class;              /* 1 ELFCLASS32, 2 ELFCLASS64 */
    unsigned machine;           /* e_machine: 62 EM_X86_64 */
    unsigned type;              /* e_type: 2 ET_EXEC, 3 ET_DYN */
    char interp[256];           /* PT_INTERP, "" when none (static) */
    size_t n_needed;            /* DT_NEEDED, in file order */
    char needed[ELFN_MAX_NEEDED][ELFN_NAME];
    bool needed_truncated;      /* more than ELFN_MAX_NEEDED */
    size_t n_versions;          /* SHT_GNU_verneed: version names ("GLIBC_2.34") and the file */
    struct {
        char file[ELFN_NAME];
        char name[ELFN_NAME];
    } versions[ELFN_MAX_VERSIONS];
    bool versions_truncated;
    bool abi_note;              /* NT_GNU_ABI_TAG present */
    unsigned abi_os;            /* 0 Linux */
    unsigned abi_kernel[3];     /* the oldest kernel the C library supports */
    char dlopen[ELFN_MAX_NEEDED][ELFN_NAME]; /* sonames of .note.dlopen (systemd's ELF
                                 * dlopen metadata): libraries opened at run time */
    size_t n_dlopen;
};

/* One row of the CentOS 6.6 table. */
struct el6_soname {
    const char *soname;  /* "libssl.so.10" */
    const char *package; /* the binary package that ships it on CentOS 6.6: "openssl" */
    const char *version; /* its version there: "1.0.1e-30.el6_6.5", or upstream "2.17.2" */
    const char *source;  /* where the row comes from (el6abi.c's header names both) */
};

/* The table (sorted by nothing; looked up by name) and its length. */
const struct el6_soname *el6_sonames(size_t *n);

/* The row for soname, or NULL when CentOS 6.6 does not ship it. */
const struct el6_soname *el6_soname_find(const char *soname);

#define EL6_MAX_GAPS 48
#define EL6_GAP_LEN 1024

/* Every reason the binary cannot run on CentOS 6.6, one sentence each. */
struct el6_verdict {
    size_t n_gaps;
    char gaps[EL6_MAX_GAPS][EL6_GAP_LEN];
    char newest_glibc[ELFN_NAME]; /* "GLIBC_2.34" when above 2.12, else "" */
    bool is_static;               /* no loader and no DT_NEEDED */
};

/* Judges n against CentOS 6.6: fills v (zeroed first). Returns the number of gaps. */
size_t el6_judge(const struct elf_needs *n, struct el6_verdict *v);

/* Parses "GLIBC_2.3.4" into major/minor/patch; false when name is not a GLIBC_x.y version. */
bool el6_glibc_version(const char *name, unsigned *major, unsigned *minor, unsigned *patch);

/* Joins the gaps with "; " into buf (cut with "..." when too long). */
void el6_verdict_join(const struct el6_verdict *v, char *buf, size_t len);

#endif
