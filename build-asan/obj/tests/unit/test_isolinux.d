build-asan/obj/tests/unit/test_isolinux.o: tests/unit/test_isolinux.c \
 image/bootcfg.h provision/mterr.h image/isovd.h
image/bootcfg.h:
provision/mterr.h:
image/isovd.h:
