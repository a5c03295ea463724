build-asan/obj/provision/devuse.o: provision/devuse.c provision/devuse.h \
 provision/mterr.h provision/rootpath.h
provision/devuse.h:
provision/mterr.h:
provision/rootpath.h:
