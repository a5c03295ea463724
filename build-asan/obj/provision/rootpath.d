build-asan/obj/provision/rootpath.o: provision/rootpath.c \
 provision/rootpath.h
provision/rootpath.h:
