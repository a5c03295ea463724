build-asan/obj/image/isovd.o: image/isovd.c image/isovd.h \
 provision/mterr.h
image/isovd.h:
provision/mterr.h:
