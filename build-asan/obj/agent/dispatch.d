build-asan/obj/agent/dispatch.o: agent/dispatch.c agent/verbs.h \
 provision/config.h provision/mterr.h agent/output.h
agent/verbs.h:
provision/config.h:
provision/mterr.h:
agent/output.h:
