/* fstab_merge: the agent's entries replace lines for the same mount point or
 * the same device (UUID=, LABEL=), every other line stays, in order; merging
 * twice gives the same text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fstab.h"

static struct fstab_entry entry(const char *src, const char *label, const char *mnt, const char *type)
{
    struct fstab_entry e;
    memset(&e, 0, sizeof(e));
    snprintf(e.source, sizeof(e.source), "%s", src);
    snprintf(e.label, sizeof(e.label), "%s", label);
    snprintf(e.mountpoint, sizeof(e.mountpoint), "%s", mnt);
    snprintf(e.fstype, sizeof(e.fstype), "%s", type);
    snprintf(e.options, sizeof(e.options), "defaults");
    e.passno = strcmp(type, "swap") == 0 ? 0 : 2;
    return e;
}

static void test_merge(void **state)
{
    const char *old = "# site\n"
                      "\n"
                      "LABEL=OLDROOT / ext3 defaults 1 1\n"
                      "nfs:/x /mnt/nfs nfs defaults 0 0\n"
                      "/swapfile swap swap defaults 0 0\n"
                      "LABEL=MT_SWAP swap swap defaults 0 0\n"
                      "UUID=aaaa /data xfs defaults 0 0\n";
    struct fstab_entry e[3];
    char *once, *twice;
    (void)state;

    e[0] = entry("UUID=1111", "MT_ROOT", "/", "ext4");
    e[1] = entry("UUID=2222", "MT_SWAP", "swap", "swap");
    e[2] = entry("UUID=aaaa", "MT_RETENTION", "/mnt/retention", "ext4");
    once = fstab_merge(old, e, 3, "# mt-agent");
    assert_non_null(once);
    assert_non_null(strstr(once, "# site\n\nnfs:/x /mnt/nfs nfs defaults 0 0\n/swapfile swap swap defaults 0 0\n# mt-agent\n"));
    assert_null(strstr(once, "OLDROOT"));          /* same mount point */
    assert_null(strstr(once, "LABEL=MT_SWAP"));    /* same label */
    assert_null(strstr(once, "/data"));            /* same UUID */
    assert_non_null(strstr(once, "UUID=1111"));
    assert_non_null(strstr(once, "UUID=2222"));
    assert_non_null(strstr(once, "/swapfile"));    /* another swap is not ours */
    twice = fstab_merge(once, e, 3, "# mt-agent");
    assert_string_equal(once, twice);
    free(once);
    free(twice);
    once = fstab_merge(NULL, e, 1, NULL);
    assert_non_null(once);
    assert_non_null(strstr(once, "UUID=1111"));
    free(once);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_merge)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
