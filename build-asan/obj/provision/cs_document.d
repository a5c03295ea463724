build-asan/obj/provision/cs_document.o: provision/cs_document.c \
 provision/cs_document.h provision/mterr.h provision/rootpath.h
provision/cs_document.h:
provision/mterr.h:
provision/rootpath.h:
