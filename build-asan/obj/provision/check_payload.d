build-asan/obj/provision/check_payload.o: provision/check_payload.c \
 provision/apply.h provision/mterr.h provision/payload_hash.h \
 provision/check.h provision/config.h provision/inventory.h \
 provision/vpd.h provision/modules.h provision/rootpath.h
provision/apply.h:
provision/mterr.h:
provision/payload_hash.h:
provision/check.h:
provision/config.h:
provision/inventory.h:
provision/vpd.h:
provision/modules.h:
provision/rootpath.h:
