build-asan/obj/agent/cmd_modules.o: agent/cmd_modules.c agent/verbs.h \
 provision/config.h provision/mterr.h agent/output.h
agent/verbs.h:
provision/config.h:
provision/mterr.h:
agent/output.h:
