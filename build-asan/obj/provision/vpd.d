build-asan/obj/provision/vpd.o: provision/vpd.c provision/vpd.h
provision/vpd.h:
