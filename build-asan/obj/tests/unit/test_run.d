build-asan/obj/tests/unit/test_run.o: tests/unit/test_run.c \
 provision/run.h
provision/run.h:
