build-asan/obj/provision/payload_hash.o: provision/payload_hash.c \
 provision/payload_hash.h provision/mterr.h
provision/payload_hash.h:
provision/mterr.h:
