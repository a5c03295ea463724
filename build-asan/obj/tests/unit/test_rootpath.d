build-asan/obj/tests/unit/test_rootpath.o: tests/unit/test_rootpath.c \
 provision/rootpath.h
provision/rootpath.h:
