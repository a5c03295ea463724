build-asan/obj/tests/unit/test_layout.o: tests/unit/test_layout.c \
 provision/config.h provision/mterr.h provision/layout.h \
 provision/config.h
provision/config.h:
provision/mterr.h:
provision/layout.h:
provision/config.h:
