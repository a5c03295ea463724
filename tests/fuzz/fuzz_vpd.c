/* libFuzzer: VPD pages 0x80 and 0x83 from arbitrary bytes, through the
 * decoders and udev's scsi_id emulation (the input is offered as page 0x83,
 * as page 0x80, and split in two: a page 0x83 then a page 0x80). A crash, a
 * read past the input (ASan), an unterminated string, or an NAA that is not
 * the one behind the id is a bug. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* Every fuzzer links all the project's libraries; libparted's constructor
 * (ped_disk_gpt_init) trips ASan's strchr interceptor on a getline buffer
 * before main. The VPD code never calls strchr on fuzzed bytes. */
const char *__asan_default_options(void)
{
    return "intercept_strchr=0";
}

static bool all_hex(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static void udev_invariants(const uint8_t *p83, size_t l83, const uint8_t *p80, size_t l80)
{
    static struct vpd_udev_id u;
    int r = vpd_udev_id(p83, l83, p80, l80, "VMware", "Virtual disk", &u);

    if (strnlen(u.id, sizeof(u.id)) >= sizeof(u.id) || strnlen(u.naa, sizeof(u.naa)) >= sizeof(u.naa) ||
        strnlen(u.why, sizeof(u.why)) >= sizeof(u.why))
        abort();
    if (r != 0 && r != -ENODATA && r != -EBADMSG)
        abort();
    if (r != 0 && (u.id[0] || u.naa[0]))
        abort();
    if (r == 0 && !u.id[0] && u.from != VPD_FROM_PG80)
        abort(); /* a designator id has its type character at least */
    /* a binary NAA id is '3' and the hex of the designator: naa names it */
    if (r == 0 && u.naa[0] && all_hex(u.naa) && (u.id[0] != '3' || strcmp(u.id + 1, u.naa) != 0))
        abort();
    if (r == 0 && u.from == VPD_FROM_PG80 && u.naa[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], serial[300], v[600];
    uint8_t *copy;
    size_t i, half;

    /* an exact-size copy, so ASan sees any read past the end */
    copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (vpd_parse_pg83(copy, size, &pg, why, sizeof(why)) == 0) {
        for (i = 0; i < pg.n; i++)
            vpd_designator_value(&pg.d[i], v, sizeof(v));
        (void)vpd_find_naa(&pg);
        if (strnlen(pg.warning, sizeof(pg.warning)) >= sizeof(pg.warning))
            abort();
    }
    if (vpd_parse_pg80(copy, size, serial, sizeof(serial), why, sizeof(why)) == 0 &&
        strnlen(serial, sizeof(serial)) >= sizeof(serial))
        abort();
    udev_invariants(copy, size, NULL, 0);
    udev_invariants(NULL, 0, copy, size);
    half = size / 2;
    udev_invariants(copy, half, copy + half, size - half);
    free(copy);
    return 0;
}
