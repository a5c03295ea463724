/* hostid: the identity a master target registers under.
 *
 * host_id = the lower-case DMI product_uuid (the VM's BIOS UUID); else
 * /etc/machine-id; else a random UUID generated once and kept in the journal
 * section "host", so registering twice updates the same record. */
#ifndef MT_HOSTID_H
#define MT_HOSTID_H

#include <json-c/json.h>
#include <stddef.h>

#include "mterr.h"

#define HOSTID_MAX 64

/* Normalise a DMI product_uuid: 36 chars 8-4-4-4-12 hex, lower-cased. Placeholder
 * values some firmware reports (all zeros, all F) are refused. 0 or -EINVAL. */
int hostid_normalise_uuid(const char *in, char out[HOSTID_MAX]);

/* Normalise /etc/machine-id: 32 hex digits, lower-cased. 0 or -EINVAL. */
int hostid_normalise_machine_id(const char *in, char out[HOSTID_MAX]);

/* A random (version 4) UUID, lower case with dashes. 0 or -EIO (no random bytes). */
int hostid_generate_uuid(char out[HOSTID_MAX]);

/* Pick the host_id (order above) and record it in `host_section` ("host_id",
 * "host_id_source": "dmi" | "machine-id" | "generated"). The caller commits the
 * journal. 0 or -errno. */
int hostid_resolve(json_object *host_section, char out[HOSTID_MAX], const char **source, struct mt_err *err);

#endif
