build-asan/obj/agent/cmd_inventory.o: agent/cmd_inventory.c \
 provision/inventory.h provision/mterr.h provision/vpd.h agent/verbs.h \
 provision/config.h agent/output.h
provision/inventory.h:
provision/mterr.h:
provision/vpd.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
