build-asan/obj/provision/check_cs.o: provision/check_cs.c \
 provision/check.h provision/config.h provision/mterr.h \
 provision/inventory.h provision/vpd.h provision/cs_client.h \
 provision/cs_auth.h provision/cs_response.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
provision/cs_client.h:
provision/cs_auth.h:
provision/cs_response.h:
