build-asan/obj/tests/unit/test_firstboot.o: tests/unit/test_firstboot.c \
 provision/firstboot.h provision/config.h provision/mterr.h
provision/firstboot.h:
provision/config.h:
provision/mterr.h:
