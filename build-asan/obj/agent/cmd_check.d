build-asan/obj/agent/cmd_check.o: agent/cmd_check.c provision/check.h \
 provision/config.h provision/mterr.h provision/inventory.h \
 provision/vpd.h provision/inventory.h provision/journal.h \
 provision/rootpath.h agent/verbs.h provision/config.h agent/output.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
provision/inventory.h:
provision/journal.h:
provision/rootpath.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
