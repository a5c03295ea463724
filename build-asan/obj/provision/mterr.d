build-asan/obj/provision/mterr.o: provision/mterr.c provision/mterr.h
provision/mterr.h:
