build-asan/obj/tests/unit/test_vpd.o: tests/unit/test_vpd.c \
 provision/vpd.h
provision/vpd.h:
