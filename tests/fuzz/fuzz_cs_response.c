/* libFuzzer: a configuration-server response from arbitrary bytes: header
 * lines up to the first empty line, then the body, through the header parser,
 * the JSON body parser, the signature check and the fingerprint/Retry-After
 * parsers. A crash, a read past the input (ASan), a non-object document
 * accepted, or a forged signature accepted is a bug. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cs_auth.h"
#include "cs_response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* Every fuzzer links all the project's libraries; libparted's constructor
 * trips ASan's strchr interceptor before main (see fuzz_vpd.c). The response
 * parser only uses length-bounded functions on the fuzzed bytes. */
const char *__asan_default_options(void)
{
    return "intercept_strchr=0";
}

/* Feed `len` bytes as one header line, from an exact-size copy. */
static void header(struct cs_response *r, const uint8_t *p, size_t len)
{
    char *line = malloc(len ? len : 1);
    if (!line)
        return;
    memcpy(line, p, len);
    cs_response_header(r, line, len);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char key[CS_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct cs_response r;
    struct mt_err err;
    size_t i, start = 0, body_at = size;
    unsigned char fpr[32], fpr2[32];
    char text[CS_FPR_TEXT_LEN];
    char *body;

    cs_response_init(&r);
    r.status = size ? 100 + data[0] % 500 : 200;
    /* headers: lines up to the first empty one */
    for (i = 0; i < size; i++) {
        if (data[i] != '\n')
            continue;
        if (i == start || (i == start + 1 && data[start] == '\r')) {
            body_at = i + 1;
            break;
        }
        header(&r, data + start, i + 1 - start);
        start = i + 1;
    }
    if (body_at == size && start < size)
        header(&r, data + start, size - start);

    body = malloc(size - body_at + 1);
    if (!body)
        return 0;
    memcpy(body, data + body_at, size - body_at);
    if (cs_response_parse_body(&r, body, size - body_at, &err) == 0) {
        if (r.doc && !json_object_is_type(r.doc, json_type_object))
            abort();
        if (r.heartbeat_s < -1 || r.server_time < -1 || r.api < -1)
            abort();
        if (memchr(r.host_id, '\0', sizeof(r.host_id)) == NULL)
            abort();
    }
    /* a signature made with a key the input cannot know never verifies */
    if (r.has_signature && cs_verify_response(key, r.status, "0123456789abcdef0123456789abcdef", body,
                                              size - body_at, r.signature))
        abort();
    /* a parsed fingerprint formats and parses back to itself */
    if (cs_fingerprint_parse(r.signature, fpr) == 0) {
        cs_fingerprint_format(fpr, text);
        if (cs_fingerprint_parse(text, fpr2) != 0 || memcmp(fpr, fpr2, 32) != 0)
            abort();
    }
    if (r.retry_after_s < -1 || r.retry_after_s > 86400)
        abort();
    free(body);
    cs_response_free(&r);
    return 0;
}
