build-asan/obj/agent/cmd_modules.o: agent/cmd_modules.c provision/apply.h \
 provision/mterr.h provision/payload_hash.h provision/modules.h \
 agent/verbs.h provision/config.h agent/output.h
provision/apply.h:
provision/mterr.h:
provision/payload_hash.h:
provision/modules.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
