/* cs_response: see cs_response.h. */
#include "cs_response.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void cs_response_init(struct cs_response *r)
{
    memset(r, 0, sizeof(*r));
    r->retry_after_s = -1;
    r->heartbeat_s = -1;
    r->server_time = -1;
    r->api = -1;
}

void cs_response_free(struct cs_response *r)
{
    if (r->doc)
        json_object_put(r->doc);
    r->doc = NULL;
}

/* Copy at most len bytes of s into out, trimmed of blanks and CR/LF. */
static void copy_trimmed(char *out, size_t outlen, const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    if (len >= outlen)
        len = outlen - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

void cs_response_header(struct cs_response *r, const char *line, size_t len)
{
    const char *colon;
    size_t nlen;
    char value[128];

    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        /* A new response (after 100 Continue or an intermediate one): forget
         * the headers of the previous one. */
        r->has_signature = false;
        r->signature[0] = '\0';
        r->retry_after_s = -1;
        return;
    }
    colon = memchr(line, ':', len);
    if (!colon)
        return;
    nlen = (size_t)(colon - line);
    if (nlen == 14 && strncasecmp(line, "X-MT-Signature", 14) == 0) {
        copy_trimmed(r->signature, sizeof(r->signature), colon + 1, len - nlen - 1);
        r->has_signature = true;
    } else if (nlen == 11 && strncasecmp(line, "Retry-After", 11) == 0) {
        copy_trimmed(value, sizeof(value), colon + 1, len - nlen - 1);
        r->retry_after_s = cs_retry_after_parse(value);
    }
}

static void get_string(json_object *o, const char *key, char *out, size_t outlen)
{
    json_object *v;
    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        snprintf(out, outlen, "%s", json_object_get_string(v));
}

static long get_long(json_object *o, const char *key)
{
    json_object *v;
    int64_t n;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return -1;
    n = json_object_get_int64(v);
    if (n < 0 || n > 0x7fffffffL)
        return -1;
    return (long)n;
}

int cs_response_parse_body(struct cs_response *r, const char *body, size_t len, struct mt_err *err)
{
    struct json_tokener *tok;
    json_object *doc, *e;
    enum json_tokener_error jerr;
    size_t end, i;

    for (i = 0; i < len && isspace((unsigned char)body[i]); i++)
        ;
    if (i == len)
        return 0;
    if (len > CS_MAX_BODY)
        return mt_err_set(err, -EBADMSG, "body of %zu bytes is larger than %d", len, CS_MAX_BODY);
    if (memchr(body, '\0', len))
        return mt_err_set(err, -EBADMSG, "body contains a NUL byte");
    tok = json_tokener_new_ex(32);
    if (!tok)
        return mt_err_set(err, -ENOMEM, "out of memory parsing the body");
    doc = json_tokener_parse_ex(tok, body, (int)len);
    jerr = json_tokener_get_error(tok);
    if (!doc && jerr == json_tokener_continue) {
        /* A complete number at the end of input needs a final flush. */
        doc = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
    }
    /* json_tokener_get_parse_end appeared in json-c 0.15; char_offset before. */
#if defined(JSON_C_VERSION_NUM) && JSON_C_VERSION_NUM >= ((0 << 16) | (15 << 8))
    end = json_tokener_get_parse_end(tok);
#else
    end = (size_t)tok->char_offset;
#endif
    json_tokener_free(tok);
    if (!doc || jerr != json_tokener_success) {
        if (doc)
            json_object_put(doc);
        return mt_err_set(err, -EBADMSG, "body is not JSON (%s)", json_tokener_error_desc(jerr));
    }
    for (; end < len; end++) {
        if (!isspace((unsigned char)body[end])) {
            json_object_put(doc);
            return mt_err_set(err, -EBADMSG, "body has data after the JSON document (offset %zu)", end);
        }
    }
    if (!json_object_is_type(doc, json_type_object)) {
        json_object_put(doc);
        return mt_err_set(err, -EBADMSG, "body is JSON but not an object");
    }
    r->doc = doc;
    get_string(doc, "host_id", r->host_id, sizeof(r->host_id));
    r->heartbeat_s = get_long(doc, "heartbeat_s");
    r->server_time = get_long(doc, "time");
    r->api = get_long(doc, "api");
    if (json_object_object_get_ex(doc, "error", &e) && json_object_is_type(e, json_type_object)) {
        get_string(e, "code", r->error_code, sizeof(r->error_code));
        get_string(e, "message", r->error_message, sizeof(r->error_message));
    }
    return 0;
}
