build-asan/obj/provision/loopdev.o: provision/loopdev.c \
 provision/loopdev.h provision/mterr.h provision/rootpath.h
provision/loopdev.h:
provision/mterr.h:
provision/rootpath.h:
