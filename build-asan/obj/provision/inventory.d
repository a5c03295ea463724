build-asan/obj/provision/inventory.o: provision/inventory.c \
 provision/inventory.h provision/mterr.h provision/vpd.h \
 /usr/include/blkid/blkid.h provision/rootpath.h provision/sgio.h
provision/inventory.h:
provision/mterr.h:
provision/vpd.h:
/usr/include/blkid/blkid.h:
provision/rootpath.h:
provision/sgio.h:
