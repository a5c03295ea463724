build-asan/obj/agent/main.o: agent/main.c provision/rootpath.h \
 agent/verbs.h provision/config.h provision/mterr.h agent/output.h
provision/rootpath.h:
agent/verbs.h:
provision/config.h:
provision/mterr.h:
agent/output.h:
