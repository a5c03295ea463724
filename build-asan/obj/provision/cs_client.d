build-asan/obj/provision/cs_client.o: provision/cs_client.c \
 provision/cs_client.h provision/config.h provision/mterr.h \
 provision/cs_auth.h provision/cs_response.h provision/rootpath.h
provision/cs_client.h:
provision/config.h:
provision/mterr.h:
provision/cs_auth.h:
provision/cs_response.h:
provision/rootpath.h:
