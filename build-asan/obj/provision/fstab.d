build-asan/obj/provision/fstab.o: provision/fstab.c provision/fstab.h \
 provision/mterr.h provision/journal.h
provision/fstab.h:
provision/mterr.h:
provision/journal.h:
