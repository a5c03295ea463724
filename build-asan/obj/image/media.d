build-asan/obj/image/media.o: image/media.c image/media.h \
 provision/mterr.h image/bootcfg.h
image/media.h:
provision/mterr.h:
image/bootcfg.h:
