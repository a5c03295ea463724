build-asan/obj/tests/unit/test_check.o: tests/unit/test_check.c \
 provision/check.h provision/config.h provision/mterr.h \
 provision/inventory.h provision/vpd.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
