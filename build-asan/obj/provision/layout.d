build-asan/obj/provision/layout.o: provision/layout.c provision/layout.h \
 provision/config.h provision/mterr.h provision/rootpath.h
provision/layout.h:
provision/config.h:
provision/mterr.h:
provision/rootpath.h:
