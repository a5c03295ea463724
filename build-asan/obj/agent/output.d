build-asan/obj/agent/output.o: agent/output.c agent/output.h
agent/output.h:
