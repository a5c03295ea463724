/* arraysize: the number of elements of an array (not of a pointer). */
#ifndef MT_ARRAYSIZE_H
#define MT_ARRAYSIZE_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
