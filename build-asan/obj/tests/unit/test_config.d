build-asan/obj/tests/unit/test_config.o: tests/unit/test_config.c \
 provision/config.h provision/mterr.h
provision/config.h:
provision/mterr.h:
