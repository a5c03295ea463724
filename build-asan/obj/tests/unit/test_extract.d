build-asan/obj/tests/unit/test_extract.o: tests/unit/test_extract.c \
 provision/extract.h provision/mterr.h provision/payload_hash.h
provision/extract.h:
provision/mterr.h:
provision/payload_hash.h:
