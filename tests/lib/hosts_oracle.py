"""hosts_oracle: what `mt-image pxe --hosts FILE` must make of each host of
a hosts file, read with python's csv module (an independent reader of the
same CSV: a UTF-8 byte order mark, CRLF ends, '#' comment lines, quoted
fields with commas, spaces around fields).

    python3 tests/lib/hosts_oracle.py HOSTS.csv

HOSTS.csv: a header line mac,hostname,ip,netmask,gateway,dns,disk, then one
host a line. Output: one line per host, tab-separated:
    01-MAC  MAC  IP  HOSTNAME  ARGS
MAC lower case with ':' (the pxelinux.cfg file name with '-'); ARGS the
kernel arguments the host's entry must carry: ip= netmask= [gateway=] [dns=]
hostname= [mt.disk= (without /dev/)]. Exit 0; 1 when the file cannot be read.
"""
import csv, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1], encoding="utf-8-sig", newline="") if not l.startswith("#")))
for r in rows:
    r = {k.strip(): v.strip() for k, v in r.items()}
    mac = r["mac"].lower().replace("-", ":")
    args = "ip=%s netmask=%s" % (r["ip"], r["netmask"])
    if r["gateway"]: args += " gateway=" + r["gateway"]
    if r["dns"]: args += " dns=" + r["dns"]
    args += " hostname=" + r["hostname"]
    if r["disk"]: args += " mt.disk=" + r["disk"].replace("/dev/", "")
    print("01-" + mac.replace(":", "-"), mac, r["ip"], r["hostname"], args, sep="\t")
