build-asan/obj/provision/hostid.o: provision/hostid.c provision/hostid.h \
 provision/mterr.h provision/rootpath.h
provision/hostid.h:
provision/mterr.h:
provision/rootpath.h:
