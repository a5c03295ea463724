build-asan/obj/provision/provision.o: provision/provision.c \
 provision/provision.h provision/devuse.h provision/mterr.h \
 provision/journal.h provision/layout.h provision/config.h \
 provision/fstab.h provision/loopdev.h provision/rootpath.h \
 provision/run.h
provision/provision.h:
provision/devuse.h:
provision/mterr.h:
provision/journal.h:
provision/layout.h:
provision/config.h:
provision/fstab.h:
provision/loopdev.h:
provision/rootpath.h:
provision/run.h:
