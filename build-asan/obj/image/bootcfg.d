build-asan/obj/image/bootcfg.o: image/bootcfg.c image/bootcfg.h \
 provision/mterr.h
image/bootcfg.h:
provision/mterr.h:
