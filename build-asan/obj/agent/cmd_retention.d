build-asan/obj/agent/cmd_retention.o: agent/cmd_retention.c \
 provision/devuse.h provision/mterr.h provision/journal.h \
 provision/retention.h provision/journal.h agent/verbs.h \
 provision/config.h agent/output.h
provision/devuse.h:
provision/mterr.h:
provision/journal.h:
provision/retention.h:
provision/journal.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
