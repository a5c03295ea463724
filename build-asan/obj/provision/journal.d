build-asan/obj/provision/journal.o: provision/journal.c \
 provision/journal.h provision/mterr.h provision/rootpath.h
provision/journal.h:
provision/mterr.h:
provision/rootpath.h:
