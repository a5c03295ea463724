build-asan/obj/provision/manifest.o: provision/manifest.c \
 provision/manifest.h provision/mterr.h provision/payload_hash.h
provision/manifest.h:
provision/mterr.h:
provision/payload_hash.h:
