build-asan/obj/agent/cmd_status.o: agent/cmd_status.c provision/journal.h \
 provision/mterr.h agent/verbs.h provision/config.h agent/output.h
provision/journal.h:
provision/mterr.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
