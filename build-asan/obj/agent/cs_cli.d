build-asan/obj/agent/cs_cli.o: agent/cs_cli.c agent/cs_cli.h \
 provision/cs_client.h provision/config.h provision/mterr.h \
 provision/cs_auth.h provision/cs_response.h provision/journal.h \
 agent/verbs.h provision/config.h agent/output.h provision/rootpath.h \
 provision/run.h
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
provision/rootpath.h:
provision/run.h:
