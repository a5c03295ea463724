build-asan/obj/provision/extract.o: provision/extract.c \
 provision/extract.h provision/mterr.h provision/payload_hash.h
provision/extract.h:
provision/mterr.h:
provision/payload_hash.h:
