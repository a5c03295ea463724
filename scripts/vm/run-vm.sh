#!/bin/bash
# scripts/vm/run-vm.sh: boot a VMware-like VM in qemu (software emulation) and
# print its serial console on stdout. Bounded in time; exits with qemu's status
# (124 when the time limit ended it).
#
#   run-vm.sh --kernel K --initrd I [--append "ARGS"] [--timeout SECONDS]
#             [--disk FILE[,wwn=0x6000c29...][,serial=S]]...   pvscsi scsi-hd, VMware vendor/model
#             [--virtio-disk FILE]...                          virtio-scsi disk
#             [--cdrom ISO] [--boot c|d|n] [--tftp DIR --bootfile F]
#             [--net user|none] [--nic virtio-net-pci|e1000] [--mem MiB] [--smp N] [--uuid UUID] [--no-vmware] [--pidfile F]
#             [-- extra qemu args]
#
# DMI says VMware (sys_vendor "VMware, Inc.", product "VMware Virtual Platform");
# a disk with wwn= looks like disk.EnableUUID=TRUE, one without like FALSE.
set -euo pipefail

kernel="" initrd="" append="console=ttyS0 panic=-1 loglevel=4" timeout=120 mem=512 smp=1
net=user nic=virtio-net-pci cdrom="" boot="" tftp="" bootfile="" vmware=1 pidfile=""
uuid=42a1b2c3-d4e5-f607-1829-3a4b5c6d7e8f
disks=() vdisks=() extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --kernel) kernel=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    --append) append="$append $2"; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --disk) disks+=("$2"); shift 2 ;;
    --virtio-disk) vdisks+=("$2"); shift 2 ;;
    --cdrom) cdrom=$2; shift 2 ;;
    --boot) boot=$2; shift 2 ;;
    --tftp) tftp=$2; shift 2 ;;
    --bootfile) bootfile=$2; shift 2 ;;
    --net) net=$2; shift 2 ;;
    --nic) nic=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --uuid) uuid=$2; shift 2 ;;
    --no-vmware) vmware=0; shift ;;
    --pidfile) pidfile=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run-vm.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

args=(-accel tcg -m "$mem" -smp "$smp" -nographic -no-reboot)
if [ "$vmware" = 1 ]; then
    args+=(-smbios "type=1,manufacturer=VMware,, Inc.,product=VMware Virtual Platform,serial=VMware-42 a1 b2 c3 d4 e5 f6 07-18 29 3a 4b 5c 6d 7e 8f,uuid=$uuid")
fi
[ -n "$kernel" ] && args+=(-kernel "$kernel")
[ -n "$initrd" ] && args+=(-initrd "$initrd")
[ -n "$kernel" ] && args+=(-append "$append")
if [ "${#disks[@]}" -gt 0 ]; then
    args+=(-device pvscsi,id=pvs0)
    i=0
    for d in "${disks[@]}"; do
        file=${d%%,*}
        opts=""
        [ "$file" != "$d" ] && opts=",${d#*,}"
        fmt=raw
        case $file in *.qcow2) fmt=qcow2 ;; esac
        args+=(-drive "if=none,id=pd$i,file=$file,format=$fmt,cache=unsafe")
        args+=(-device "scsi-hd,bus=pvs0.0,scsi-id=$i,drive=pd$i,vendor=VMware,product=Virtual disk$opts")
        i=$((i + 1))
    done
fi
if [ "${#vdisks[@]}" -gt 0 ]; then
    args+=(-device virtio-scsi-pci,id=vs0)
    i=0
    for d in "${vdisks[@]}"; do
        fmt=raw
        case $d in *.qcow2) fmt=qcow2 ;; esac
        args+=(-drive "if=none,id=vd$i,file=$d,format=$fmt,cache=unsafe")
        args+=(-device "scsi-hd,bus=vs0.0,drive=vd$i")
        i=$((i + 1))
    done
fi
[ -n "$cdrom" ] && args+=(-cdrom "$cdrom")
[ -n "$boot" ] && args+=(-boot "$boot")
case $net in
none) args+=(-nic none) ;;
user)
    nd="user,id=n0"
    [ -n "$tftp" ] && nd="$nd,tftp=$tftp"
    [ -n "$bootfile" ] && nd="$nd,bootfile=$bootfile"
    args+=(-netdev "$nd" -device "$nic,netdev=n0")
    ;;
esac
[ -n "$pidfile" ] && args+=(-pidfile "$pidfile")
args+=("${extra[@]+"${extra[@]}"}")

exec timeout --kill-after=5 "$timeout" qemu-system-x86_64 "${args[@]}" </dev/null
