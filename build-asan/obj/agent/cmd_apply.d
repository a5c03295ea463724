build-asan/obj/agent/cmd_apply.o: agent/cmd_apply.c provision/apply.h \
 provision/mterr.h provision/payload_hash.h provision/rootpath.h \
 agent/verbs.h provision/config.h agent/output.h
provision/apply.h:
provision/mterr.h:
provision/payload_hash.h:
provision/rootpath.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
