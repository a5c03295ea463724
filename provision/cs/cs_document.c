/* cs_document: see cs_document.h. */
#include "cs_document.h"

#include <stdlib.h>
#include <string.h>

#include "rootpath.h"

static void add_copy(json_object *doc, const char *key, json_object *src)
{
    /* deep copy through a reference: the journal stays owned by the journal */
    if (src)
        json_object_object_add(doc, key, json_object_get(src));
}

static void add_section(json_object *doc, const char *key, json_object *journal, const char *section)
{
    json_object *s;
    if (journal && json_object_object_get_ex(journal, section, &s))
        add_copy(doc, key, s);
    else
        json_object_object_add(doc, key, json_object_new_object());
}

json_object *cs_document_build(const struct cs_document_input *in)
{
    json_object *doc = json_object_new_object();

    if (!doc)
        return NULL;
    json_object_object_add(doc, "api", json_object_new_int(1));
    json_object_object_add(doc, "host_id", json_object_new_string(in->host_id));
    json_object_object_add(doc, "agent_version", json_object_new_string(in->agent_version));
    json_object_object_add(doc, "role", json_object_new_string("master-target"));
    json_object_object_add(doc, "data_port", json_object_new_int((int)in->data_port));
    if (in->host)
        add_copy(doc, "host", in->host);
    else
        json_object_object_add(doc, "host", json_object_new_object());
    if (in->disks)
        add_copy(doc, "disks", in->disks);
    add_section(doc, "retention", in->journal, "retention");
    add_section(doc, "modules", in->journal, "modules");
    add_section(doc, "custom_changes", in->journal, "apply");
    if (in->check_summary)
        add_copy(doc, "checks", in->check_summary);
    return doc;
}

static void add_line(json_object *o, const char *key, const char *path)
{
    char buf[512];
    if (rootpath_read_line(path, buf, sizeof(buf)) == 0 && buf[0])
        json_object_object_add(o, key, json_object_new_string(buf));
}

/* PRETTY_NAME from os-release, else the first line of redhat-release (CentOS 6 has no os-release). */
static void add_os_release(json_object *o)
{
    char *text = NULL, *p, *e;
    char buf[512];

    if (rootpath_read_file("/etc/os-release", &text, 65536) > 0) {
        for (p = text; p && *p; p = e ? e + 1 : NULL) {
            e = strchr(p, '\n');
            if (e)
                *e = '\0';
            if (strncmp(p, "PRETTY_NAME=", 12) == 0) {
                char *v = p + 12;
                size_t n = strlen(v);
                if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                    v[n - 1] = '\0';
                    v++;
                }
                json_object_object_add(o, "os_release", json_object_new_string(v));
                free(text);
                return;
            }
        }
        free(text);
    } else {
        free(text);
    }
    if (rootpath_read_line("/etc/redhat-release", buf, sizeof(buf)) == 0 && buf[0])
        json_object_object_add(o, "os_release", json_object_new_string(buf));
}

json_object *cs_document_host_fallback(void)
{
    json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    add_line(o, "vendor", "/sys/class/dmi/id/sys_vendor");
    add_line(o, "product", "/sys/class/dmi/id/product_name");
    add_line(o, "serial", "/sys/class/dmi/id/product_serial");
    add_line(o, "uuid", "/sys/class/dmi/id/product_uuid");
    add_line(o, "hostname", "/proc/sys/kernel/hostname");
    add_line(o, "kernel", "/proc/sys/kernel/osrelease");
    add_os_release(o);
    return o;
}
