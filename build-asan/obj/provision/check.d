build-asan/obj/provision/check.o: provision/check.c provision/check.h \
 provision/config.h provision/mterr.h provision/inventory.h \
 provision/vpd.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
