build-asan/obj/tests/unit/test_manifest.o: tests/unit/test_manifest.c \
 provision/manifest.h provision/mterr.h provision/payload_hash.h \
 provision/payload_hash.h
provision/manifest.h:
provision/mterr.h:
provision/payload_hash.h:
provision/payload_hash.h:
