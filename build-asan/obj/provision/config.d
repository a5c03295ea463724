build-asan/obj/provision/config.o: provision/config.c provision/config.h \
 provision/mterr.h
provision/config.h:
provision/mterr.h:
