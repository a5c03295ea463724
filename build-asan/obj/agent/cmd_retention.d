build-asan/obj/agent/cmd_retention.o: agent/cmd_retention.c agent/verbs.h \
 provision/config.h provision/mterr.h agent/output.h
agent/verbs.h:
provision/config.h:
provision/mterr.h:
agent/output.h:
