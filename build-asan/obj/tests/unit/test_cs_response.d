build-asan/obj/tests/unit/test_cs_response.o: \
 tests/unit/test_cs_response.c provision/cs_document.h provision/mterr.h \
 provision/cs_response.h provision/cs_auth.h provision/hostid.h
provision/cs_document.h:
provision/mterr.h:
provision/cs_response.h:
provision/cs_auth.h:
provision/hostid.h:
