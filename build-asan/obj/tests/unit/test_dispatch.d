build-asan/obj/tests/unit/test_dispatch.o: tests/unit/test_dispatch.c \
 agent/verbs.h provision/config.h provision/mterr.h agent/output.h
agent/verbs.h:
provision/config.h:
provision/mterr.h:
agent/output.h:
