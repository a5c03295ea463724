build-asan/obj/tests/unit/test_cs_auth.o: tests/unit/test_cs_auth.c \
 provision/cs_auth.h provision/mterr.h
provision/cs_auth.h:
provision/mterr.h:
