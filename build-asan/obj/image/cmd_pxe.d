build-asan/obj/image/cmd_pxe.o: image/cmd_pxe.c image/image.h \
 image/remaster.h image/bootcfg.h provision/mterr.h image/media.h \
 image/verbopts.h
image/image.h:
image/remaster.h:
image/bootcfg.h:
provision/mterr.h:
image/media.h:
image/verbopts.h:
