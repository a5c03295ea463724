build-asan/obj/agent/cmd_plan.o: agent/cmd_plan.c provision/devuse.h \
 provision/mterr.h provision/layout.h provision/config.h agent/verbs.h \
 provision/config.h agent/output.h
provision/devuse.h:
provision/mterr.h:
provision/layout.h:
provision/config.h:
agent/verbs.h:
provision/config.h:
agent/output.h:
