/* status: the state journal, as text or JSON. */
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
    (void)args;
    if (ctx->json) {
        verb_set_doc(ctx, json_object_get(ctx->journal.root));
    } else {
        out_printf("journal: %s\n", ctx->journal.path);
        print_object(ctx->journal.root, 0);
    }
    return EXIT_DONE;
}

const struct verb verb_status = {
    "status", cmd_status, NULL, 0, NULL, "the state journal, human or JSON",
    "Prints /var/lib/mt-agent/state.json: each step firstboot has done, when and with what result.\n",
    VERB_JOURNAL,
    NULL,
};
