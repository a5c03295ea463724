build-asan/obj/provision/apply.o: provision/apply.c provision/apply.h \
 provision/mterr.h provision/payload_hash.h provision/extract.h \
 provision/journal.h provision/manifest.h provision/rootpath.h \
 provision/run.h
provision/apply.h:
provision/mterr.h:
provision/payload_hash.h:
provision/extract.h:
provision/journal.h:
provision/manifest.h:
provision/rootpath.h:
provision/run.h:
