/* cs_document: the registration document a master target sends (PUT
 * /api/v1/master-targets/{host_id}).
 *
 *   {"host_id", "agent_version", "api": 1, "data_port",
 *    "host": {vendor, product, serial, uuid, hostname, os_release, kernel, ...},
 *    "disks": [ {name, size_bytes, scsi_id, naa, serial, ...} ],
 *    "retention": journal "retention", "modules": journal "modules",
 *    "custom_changes": journal "apply", "checks": {pass, fail, skip, ...}}
 *
 * "host" and "disks" come from the caller (inventory_to_json() once the
 * inventory module provides it; cs_document_host_fallback() reads DMI and
 * uname facts through rootpath until then). */
#ifndef MT_CS_DOCUMENT_H
#define MT_CS_DOCUMENT_H

#include <json-c/json.h>

#include "mterr.h"

struct cs_document_input {
    const char *host_id;
    const char *agent_version;
    unsigned data_port;
    json_object *host;            /* borrowed, may be NULL */
    json_object *disks;           /* borrowed array, may be NULL (then "disks" is absent) */
    json_object *journal;         /* borrowed root of state.json, may be NULL */
    json_object *check_summary;   /* borrowed, may be NULL (then "checks" is absent) */
};

/* A new document (json_object_put it). NULL only when out of memory. */
json_object *cs_document_build(const struct cs_document_input *in);

/* Host identity from /sys/class/dmi/id, /proc/sys/kernel and /etc (through
 * rootpath); fields that cannot be read are absent. */
json_object *cs_document_host_fallback(void);

#endif
