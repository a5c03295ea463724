#!/bin/sh
# The vendor's ApplyCustomChanges.sh as the test VM's payload carries it (what
# mt-agent(8) apply describes): asks "continue? [Y|N]" on stdin, refuses a second run by its
# marker /etc/.appliedmtcustomchanges, logs to /var/log/appliedmtcustomchanges.log,
# sets core files unlimited and writes /etc/multipath.conf blacklisting the root
# disk's WWID taken with scsi_id. It changes the machine it runs on: only ever in
# the test VM (scripts/vm/scenario.sh), never on a host (it refuses without the
# VMware DMI of the test VM).
log=/var/log/appliedmtcustomchanges.log
say() { echo "$*"; echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $*" >>"$log"; }
grep -q '^VMware' /sys/class/dmi/id/sys_vendor 2>/dev/null && [ "$(hostname)" = mt-guest ] ||
    { echo "ApplyCustomChanges.sh (test VM copy): not the test VM; refusing"; exit 2; }
echo run >>/var/log/appliedmtcustomchanges.runs
if [ -e /etc/.appliedmtcustomchanges ]; then
    say "Custom changes are already applied on this machine."
    exit 0
fi
printf 'This script changes the system configuration for a master target. continue? [Y|N]: '
read -r answer
[ "$answer" = Y ] || { say "Aborted (answer '$answer')."; exit 1; }
echo "ulimit -c unlimited" >>/etc/bashrc
# The root disk: the disk holding /, or, while the box runs from RAM (installer,
# PXE ramdisk), the disk carrying the MT_ROOT partition.
part=$(awk '$2 == "/" && $1 ~ "^/dev/" { print $1 }' /proc/mounts | tail -n 1)
[ -n "$part" ] || part=$(blkid -L MT_ROOT 2>/dev/null)
disk=$(echo "$part" | sed 's/[0-9]*$//')
wwid=$(/lib/udev/scsi_id -g -u -d "$disk" 2>/dev/null)
case $wwid in
3*) ;;
*) say "cannot read the WWID of the root disk $disk (is disk.EnableUUID TRUE?)"; exit 1 ;;
esac
cat >/etc/multipath.conf <<MP
# written by ApplyCustomChanges.sh
defaults {
    user_friendly_names no
    find_multipaths no
}
blacklist {
    devnode "^cciss.*"
    wwid "$wwid"
}
MP
say "blacklisted root disk wwid $wwid in /etc/multipath.conf"
touch /etc/.appliedmtcustomchanges
say "Custom changes applied. Reboot the machine."
