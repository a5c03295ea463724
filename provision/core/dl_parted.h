/* dl_parted: libparted through dynlib (see dynlib.h); include instead of
 * <parted/parted.h>. */
#ifndef MT_DL_PARTED_H
#define MT_DL_PARTED_H

#include <parted/parted.h>
#include "dynlib.h"

#define DL_PARTED_FUNCS(X) \
    X(ped_exception_set_handler) \
    X(ped_device_get) \
    X(ped_device_destroy) \
    X(ped_disk_type_get) \
    X(ped_disk_new) \
    X(ped_disk_new_fresh) \
    X(ped_disk_destroy) \
    X(ped_disk_add_partition) \
    X(ped_disk_commit_to_dev) \
    X(ped_disk_commit_to_os) \
    X(ped_partition_new) \
    X(ped_partition_destroy) \
    X(ped_partition_set_flag) \
    X(ped_file_system_type_get) \
    X(ped_constraint_exact) \
    X(ped_constraint_destroy)

DL_DECLARE(parted, DL_PARTED_FUNCS)

/* calls by the library's own names */
#ifndef DL_IMPL
#define ped_exception_set_handler (*dl_parted.ped_exception_set_handler)
#define ped_device_get (*dl_parted.ped_device_get)
#define ped_device_destroy (*dl_parted.ped_device_destroy)
#define ped_disk_type_get (*dl_parted.ped_disk_type_get)
#define ped_disk_new (*dl_parted.ped_disk_new)
#define ped_disk_new_fresh (*dl_parted.ped_disk_new_fresh)
#define ped_disk_destroy (*dl_parted.ped_disk_destroy)
#define ped_disk_add_partition (*dl_parted.ped_disk_add_partition)
#define ped_disk_commit_to_dev (*dl_parted.ped_disk_commit_to_dev)
#define ped_disk_commit_to_os (*dl_parted.ped_disk_commit_to_os)
#define ped_partition_new (*dl_parted.ped_partition_new)
#define ped_partition_destroy (*dl_parted.ped_partition_destroy)
#define ped_partition_set_flag (*dl_parted.ped_partition_set_flag)
#define ped_file_system_type_get (*dl_parted.ped_file_system_type_get)
#define ped_constraint_exact (*dl_parted.ped_constraint_exact)
#define ped_constraint_destroy (*dl_parted.ped_constraint_destroy)
#endif

#endif
