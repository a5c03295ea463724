build-asan/obj/provision/modules.o: provision/modules.c \
 provision/modules.h provision/mterr.h provision/payload_hash.h \
 provision/extract.h provision/journal.h provision/manifest.h \
 provision/rootpath.h provision/run.h
provision/modules.h:
provision/mterr.h:
provision/payload_hash.h:
provision/extract.h:
provision/journal.h:
provision/manifest.h:
provision/rootpath.h:
provision/run.h:
