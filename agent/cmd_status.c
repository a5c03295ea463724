/* status: the state journal, as text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "journal.h"
#include "verbs.h"

static void print_object(json_object *o, int depth)
{
    json_object_object_foreach(o, key, val)
    {
        if (json_object_is_type(val, json_type_object)) {
            out_printf("%*s%s:\n", depth * 2, "", key);
            print_object(val, depth + 1);
        } else {
            out_printf("%*s%-20s %s\n", depth * 2, "", key,
                       json_object_is_type(val, json_type_string) ? json_object_get_string(val)
                                                                 : json_object_to_json_string(val));
        }
    }
}

static int cmd_status(struct mt_ctx *ctx, void *args)
{
    struct journal j;
    struct mt_err err = {0, ""};
    int r;

    (void)args;
    /* without the writers' lock: status answers while apply runs a long vendor script */
    r = journal_read(&j, &err);
    if (r == -EBADMSG) {
        /* corrupt: the locked load keeps it aside and reports it (rare, so waiting is fine) */
        r = journal_load(&j, &err);
        if (r == 0 && j.moved_aside[0])
            log_warn("%s", err.msg);
    }
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    if (ctx->json) {
        verb_set_doc(ctx, json_object_get(j.root));
    } else {
        out_printf("journal: %s\n", j.path);
        print_object(j.root, 0);
    }
    journal_free(&j);
    return EXIT_DONE;
}

const struct verb verb_status = {
    "status", cmd_status, NULL, 0, NULL, "the state journal, human or JSON",
    "Prints /var/lib/mt-agent/state.json: each step firstboot has done, when and with what result.\n"
    "It reads the journal without the writers' lock, so it answers while another verb runs.\n",
    0,
};
