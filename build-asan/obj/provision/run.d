build-asan/obj/provision/run.o: provision/run.c provision/run.h
provision/run.h:
