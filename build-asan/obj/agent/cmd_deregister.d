build-asan/obj/agent/cmd_deregister.o: agent/cmd_deregister.c \
 agent/cs_cli.h provision/cs_client.h provision/config.h \
 provision/mterr.h provision/cs_auth.h provision/cs_response.h \
 provision/journal.h agent/verbs.h provision/config.h agent/output.h \
 provision/hostid.h
agent/cs_cli.h:
provision/cs_client.h:
provision/config.h:
provision/mterr.h:
provision/cs_auth.h:
provision/cs_response.h:
provision/journal.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
provision/hostid.h:
