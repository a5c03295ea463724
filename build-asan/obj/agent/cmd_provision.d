build-asan/obj/agent/cmd_provision.o: agent/cmd_provision.c \
 provision/journal.h provision/mterr.h provision/provision.h \
 provision/devuse.h provision/journal.h provision/layout.h \
 provision/config.h agent/verbs.h provision/config.h agent/output.h
provision/journal.h:
provision/mterr.h:
provision/provision.h:
provision/devuse.h:
provision/journal.h:
provision/layout.h:
provision/config.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
