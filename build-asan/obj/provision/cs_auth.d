build-asan/obj/provision/cs_auth.o: provision/cs_auth.c \
 provision/cs_auth.h provision/mterr.h provision/rootpath.h
provision/cs_auth.h:
provision/mterr.h:
provision/rootpath.h:
