build-asan/obj/agent/cmd_firstboot.o: agent/cmd_firstboot.c \
 provision/firstboot.h provision/config.h provision/mterr.h \
 provision/journal.h provision/rootpath.h provision/run.h agent/verbs.h \
 provision/config.h agent/output.h
provision/firstboot.h:
provision/config.h:
provision/mterr.h:
provision/journal.h:
provision/rootpath.h:
provision/run.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
