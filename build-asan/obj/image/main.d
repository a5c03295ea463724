build-asan/obj/image/main.o: image/main.c image/image.h
image/image.h:
