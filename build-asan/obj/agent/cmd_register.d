build-asan/obj/agent/cmd_register.o: agent/cmd_register.c \
 provision/check.h provision/config.h provision/mterr.h \
 provision/inventory.h provision/vpd.h agent/cs_cli.h \
 provision/cs_client.h provision/cs_auth.h provision/cs_response.h \
 provision/journal.h agent/verbs.h provision/config.h agent/output.h \
 provision/cs_document.h provision/hostid.h provision/inventory.h
provision/check.h:
provision/config.h:
provision/mterr.h:
provision/inventory.h:
provision/vpd.h:
agent/cs_cli.h:
provision/cs_client.h:
provision/cs_auth.h:
provision/cs_response.h:
provision/journal.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
provision/cs_document.h:
provision/hostid.h:
provision/inventory.h:
