build-asan/obj/provision/check_disk.o: provision/check_disk.c \
 provision/check.h provision/config.h provision/mterr.h \
 provision/inventory.h provision/vpd.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
