/* hostid: see hostid.h. */
#include "hostid.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "rootpath.h"

int hostid_normalise_uuid(const char *in, char out[HOSTID_MAX])
{
    static const int dash[] = {8, 13, 18, 23};
    size_t i, d = 0;
    bool all0 = true, allf = true;

    while (*in == ' ' || *in == '\t')
        in++;
    for (i = 0; i < 36; i++) {
        char c = in[i];
        if (d < 4 && (int)i == dash[d]) {
            if (c != '-')
                return -EINVAL;
            out[i] = '-';
            d++;
            continue;
        }
        if (!isxdigit((unsigned char)c))
            return -EINVAL;
        out[i] = (char)tolower((unsigned char)c);
        if (out[i] != '0')
            all0 = false;
        if (out[i] != 'f')
            allf = false;
    }
    for (; in[i]; i++)
        if (!isspace((unsigned char)in[i]))
            return -EINVAL;
    out[36] = '\0';
    return (all0 || allf) ? -EINVAL : 0;
}

int hostid_normalise_machine_id(const char *in, char out[HOSTID_MAX])
{
    size_t i;
    bool all0 = true;

    for (i = 0; i < 32; i++) {
        if (!isxdigit((unsigned char)in[i]))
            return -EINVAL;
        out[i] = (char)tolower((unsigned char)in[i]);
        if (out[i] != '0')
            all0 = false;
    }
    for (; in[i]; i++)
        if (!isspace((unsigned char)in[i]))
            return -EINVAL;
    out[32] = '\0';
    return all0 ? -EINVAL : 0;
}

int hostid_generate_uuid(char out[HOSTID_MAX])
{
    unsigned char b[16];

    if (RAND_bytes(b, sizeof(b)) != 1)
        return -EIO;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, HOSTID_MAX, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

int hostid_resolve(json_object *host_section, char out[HOSTID_MAX], const char **source, struct mt_err *err)
{
    char line[256];
    json_object *v, *s;
    const char *src = NULL;

    if (rootpath_read_line("/sys/class/dmi/id/product_uuid", line, sizeof(line)) == 0 &&
        hostid_normalise_uuid(line, out) == 0) {
        src = "dmi";
    } else if (rootpath_read_line("/etc/machine-id", line, sizeof(line)) == 0 &&
               hostid_normalise_machine_id(line, out) == 0) {
        src = "machine-id";
    } else if (host_section && json_object_object_get_ex(host_section, "host_id", &v) &&
               json_object_is_type(v, json_type_string) && json_object_object_get_ex(host_section, "host_id_source", &s) &&
               strcmp(json_object_get_string(s), "generated") == 0 && strlen(json_object_get_string(v)) < HOSTID_MAX &&
               json_object_get_string_len(v) > 0) {
        snprintf(out, HOSTID_MAX, "%s", json_object_get_string(v));
        src = "generated";
    } else {
        if (hostid_generate_uuid(out) < 0)
            return mt_err_set(err, -EIO, "no DMI product_uuid, no /etc/machine-id, and no random numbers to "
                                         "generate a host_id");
        src = "generated";
    }
    if (host_section) {
        json_object_object_add(host_section, "host_id", json_object_new_string(out));
        json_object_object_add(host_section, "host_id_source", json_object_new_string(src));
    }
    if (source)
        *source = src;
    return 0;
}
