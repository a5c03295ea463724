build-asan/obj/provision/firstboot.o: provision/firstboot.c \
 provision/firstboot.h provision/config.h provision/mterr.h
provision/firstboot.h:
provision/config.h:
provision/mterr.h:
