build-asan/obj/image/remaster.o: image/remaster.c image/remaster.h \
 image/bootcfg.h provision/mterr.h image/media.h image/isovd.h
image/remaster.h:
image/bootcfg.h:
provision/mterr.h:
image/media.h:
image/isovd.h:
