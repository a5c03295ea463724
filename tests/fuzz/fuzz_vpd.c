/* libFuzzer: VPD pages 0x80 and 0x83 from arbitrary bytes, through the parser
 * and the scsi_id emulation. A crash, a read past the input (ASan) or an id
 * from a page the parser called unreadable is a bug. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], serial[300], id[400], v[600];
    uint8_t *copy;
    size_t i;
    int r83, r80;

    /* an exact-size copy, so ASan sees any read past the end */
    copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    r83 = vpd_parse_pg83(copy, size, &pg, why, sizeof(why));
    r80 = vpd_parse_pg80(copy, size, serial, sizeof(serial), why, sizeof(why));
    if (r83 == 0) {
        for (i = 0; i < pg.n; i++)
            vpd_designator_value(&pg.d[i], v, sizeof(v));
        (void)vpd_find_naa(&pg);
        vpd_scsi_id(&pg, r80 == 0 ? serial : NULL, "VMware", "Virtual disk", id, sizeof(id));
        if (strlen(id) >= sizeof(id))
            abort();
    }
    if (r80 == 0 && strlen(serial) >= sizeof(serial))
        abort();
    free(copy);
    return 0;
}
