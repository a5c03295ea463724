build-asan/obj/provision/sgio.o: provision/sgio.c provision/sgio.h \
 provision/mterr.h
provision/sgio.h:
provision/mterr.h:
