build-asan/obj/provision/retention.o: provision/retention.c \
 provision/retention.h provision/journal.h provision/mterr.h \
 provision/devuse.h provision/fstab.h provision/loopdev.h \
 provision/provision.h provision/layout.h provision/config.h \
 provision/rootpath.h
provision/retention.h:
provision/journal.h:
provision/mterr.h:
provision/devuse.h:
provision/fstab.h:
provision/loopdev.h:
provision/provision.h:
provision/layout.h:
provision/config.h:
provision/rootpath.h:
