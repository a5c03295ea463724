build-asan/obj/provision/cs_response.o: provision/cs_response.c \
 provision/cs_response.h provision/cs_auth.h provision/mterr.h
provision/cs_response.h:
provision/cs_auth.h:
provision/mterr.h:
