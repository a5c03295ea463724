build-asan/obj/provision/check_host.o: provision/check_host.c \
 provision/check.h provision/config.h provision/mterr.h \
 provision/inventory.h provision/vpd.h provision/rootpath.h \
 provision/run.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
provision/rootpath.h:
provision/run.h:
