"""plan_matrix: judge mt-agent plan over disk sizes x RAM sizes, from the files
30-layout.sh leaves in DIR (plan-DISK-RAM.json / .err / .rc / .ks), against the
rules written out here: the RHEL 6 swap rule, /var/crash = RAM + 1 GiB (at least
2 GiB), root 40 GiB (at least 20 on a small disk), four aligned contiguous
primaries to the end of the disk, the kickstart's part lines; a disk too small
is refused with the numbers.

    python3 tests/lib/plan_matrix.py DIR    prints one "ok - ..." / "not ok - ..." line per judgement
"""
import json, re, sys
d = sys.argv[1]
def rule(ram):
    return 2 * ram if ram <= 2048 else ram if ram <= 8192 else ram // 2 if ram <= 65536 else 4096
def res(name, good, why=""):
    print("ok - %s" % name if good else "not ok - %s (%s)" % (name, why))
for disk in (25600, 102400, 1048576):
    for ram in (1024, 6144, 16384, 131072):
        base = "%s/plan-%d-%d" % (d, disk, ram)
        name = "plan %d MiB disk, %d MiB RAM" % (disk, ram)
        rc = int(open(base + ".rc").read())
        if disk == 25600 and ram > 1024:
            res(name + ": too small (exit 1)", rc == 1, "exit %d" % rc)
            err = open(base + ".err").read()
            res(name + ": the error gives the numbers",
                re.search(r"too small for RAM %d MiB: it needs at least \d+ MiB" % ram, err) is not None, err)
            continue
        res(name + ": exit 0", rc == 0, "exit %d" % rc)
        p = json.load(open(base + ".json"))
        parts = p["partitions"]
        got = ",".join("%s:%s:%s" % (x["label"], x["fstype"], x["mount"]) for x in parts)
        res(name + ": four primaries", got == "MT_ROOT:ext4:/,MT_CRASH:ext4:/var/crash,MT_SWAP:swap:swap,MT_HOME:ext4:/home", got)
        res(name + ": aligned, contiguous, to the end",
            all(x["start_bytes"] % 1048576 == 0 and x["size_bytes"] % 1048576 == 0 for x in parts)
            and parts[0]["start_bytes"] == 1048576 and parts[0]["boot"] and not any(x["boot"] for x in parts[1:])
            and all(a["start_bytes"] + a["size_bytes"] == b["start_bytes"] for a, b in zip(parts, parts[1:]))
            and parts[-1]["start_bytes"] + parts[-1]["size_bytes"] == p["disk_bytes"])
        root, crash, swap = parts[0]["size_mib"], parts[1]["size_mib"], parts[2]["size_mib"]
        want_crash = max(ram + 1024, 2048)
        if disk == 1048576:
            res(name + ": swap by the RHEL 6 rule", swap == rule(ram), swap)
            res(name + ": /var/crash = RAM + 1 GiB", crash == want_crash, crash)
            res(name + ": root 40 GiB", root == 40960, root)
        else:
            res(name + ": swap between half the rule and the rule", rule(ram) // 2 <= swap <= rule(ram), swap)
            res(name + ": root at least 20 GiB", root >= 20480, root)
        ks = open(base + ".ks").read().splitlines()
        res(name + ": kickstart root line",
            "part / --fstype=ext4 --size=%d --ondisk=sda --asprimary --label=MT_ROOT" % root in ks, ks)
        res(name + ": kickstart swap line",
            "part swap --fstype=swap --size=%d --ondisk=sda --asprimary --label=MT_SWAP" % swap in ks, ks)
        res(name + ": kickstart /home last, growing",
            ks[-1] == "part /home --fstype=ext4 --size=1024 --grow --ondisk=sda --asprimary --label=MT_HOME", ks[-1])
