build-asan/obj/image/verbopts.o: image/verbopts.c image/verbopts.h \
 image/image.h image/media.h provision/mterr.h image/remaster.h \
 image/bootcfg.h
image/verbopts.h:
image/image.h:
image/media.h:
provision/mterr.h:
image/remaster.h:
image/bootcfg.h:
