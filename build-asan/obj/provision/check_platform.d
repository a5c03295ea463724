build-asan/obj/provision/check_platform.o: provision/check_platform.c \
 provision/check.h provision/config.h provision/mterr.h \
 provision/inventory.h provision/vpd.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
