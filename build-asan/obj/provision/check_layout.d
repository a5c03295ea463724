build-asan/obj/provision/check_layout.o: provision/check_layout.c \
 provision/check.h provision/config.h provision/mterr.h \
 provision/inventory.h provision/vpd.h provision/devuse.h \
 provision/layout.h provision/rootpath.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
provision/devuse.h:
provision/layout.h:
provision/rootpath.h:
