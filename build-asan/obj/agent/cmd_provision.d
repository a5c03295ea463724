build-asan/obj/agent/cmd_provision.o: agent/cmd_provision.c agent/verbs.h \
 provision/config.h provision/mterr.h agent/output.h
agent/verbs.h:
provision/config.h:
provision/mterr.h:
agent/output.h:
