/* cs_response: what the configuration server answered, parsed.
 *
 * Pure parsing of response header lines and the JSON body, hardened against
 * anything the network hands us (tests/fuzz/fuzz_cs_response.c). The client
 * verifies the signature before it trusts any of the parsed fields. */
#ifndef MT_CS_RESPONSE_H
#define MT_CS_RESPONSE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "cs_auth.h"
#include "mterr.h"

#define CS_MAX_BODY (1024 * 1024)

struct cs_response {
    long status;
    bool has_signature;
    char signature[CS_HEX_LEN + 8];  /* as received (hex, maybe malformed) */
    long retry_after_s;              /* -1: none */
    json_object *doc;                /* parsed body (owned), NULL when empty */
    /* fields of the body, when present with the right type */
    char host_id[128];
    long heartbeat_s;                /* -1: absent */
    long server_time;                /* ping: "time", -1: absent */
    long api;                        /* ping: "api", -1: absent */
    char error_code[64];
    char error_message[512];
};

/* An empty response (status 0, no headers). */
void cs_response_init(struct cs_response *r);
void cs_response_free(struct cs_response *r);

/* Feed one raw header line ("Name: value\r\n", or a status line "HTTP/1.1 200
 * OK", which resets the headers seen so far: 1xx and redirects carry their own).
 * Unknown headers are ignored. Never fails. */
void cs_response_header(struct cs_response *r, const char *line, size_t len);

/* Parse the body: empty is fine (doc stays NULL); otherwise it must be one JSON
 * object (nesting <= 32, nothing but blanks after it). Known fields are
 * extracted when they have the right type. -EBADMSG with a message saying what
 * is wrong, or 0. */
int cs_response_parse_body(struct cs_response *r, const char *body, size_t len, struct mt_err *err);

#endif
