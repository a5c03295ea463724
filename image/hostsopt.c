/* hostsopt: --hosts FILE for the iso and pxe verbs: loads the hosts file and
 * prints what is wrong with it (exit 2: a bad hosts file is bad configuration). */
#include <stdio.h>

#include "hosts.h"
#include "image.h"
#include "say.h"

int image_load_hosts(const char *verb, const char *file, const char *append, struct hosts *out)
{
    struct mt_err err = {0};
    const char *key;

    if (append && (key = hosts_append_conflict(append)) != NULL) {
        image_say("mt-image %s: --append sets %s, which the hosts file %s gives each host: "
                        "remove it from --append\n", verb, key, file);
        return 2;
    }
    if (hosts_load(file, out, &err) < 0) {
        image_say("mt-image %s: %s\n", verb, err.msg);
        return 2;
    }
    return 0;
}
