#!/usr/bin/env python3
"""kslint: lint a kickstart file against what EL6 (CentOS/RHEL 6, anaconda 13) knows.

    kslint.py [--fragment] [--include PATH=FILE]... FILE...

Parses every command and section and rejects what EL6's anaconda does not accept:
unknown commands (reqpart, liveimg, ...), unknown options (autopart --type, ...),
inst.* boot options, sections without %end, bad option values, missing required
commands. The command/option table follows pykickstart's RHEL6 handler
(pykickstart/handlers/control.py, RHEL6 map, and the RHEL6/F12/F13 command
classes); a command or option missing here is rejected, so the table errs on
the strict side.

--fragment: FILE is a piece to %include (commands only, no required commands).
--include PATH=FILE: resolve "%include PATH" with FILE and lint it in place.
Prints "FILE:LINE: message" per problem; exit 0 clean, 1 problems, 2 usage.
Python 3 standard library only.
"""
import re
import shlex
import sys

V = "value"
F = "flag"

# command -> {option: V|F}; aliases share a dict. Positional argument counts in ARGS.
AUTH = {o: F for o in (
    "--enablemd5", "--enablenis", "--enableldap", "--enableldapauth", "--enableldaptls",
    "--enablekrb5", "--enablehesiod", "--enablesmbauth", "--enablecache", "--enableshadow",
    "--useshadow", "--enablesssd", "--enablesssdauth", "--enablelocauthorize", "--enablepamaccess",
    "--enablemkhomedir", "--disablemd5", "--disablenis", "--disableldap", "--disableldapauth",
    "--disableldaptls", "--disablekrb5", "--disablehesiod", "--disablesmbauth", "--disablecache",
    "--disableshadow", "--disablesssd", "--disablesssdauth", "--enablefingerprint",
    "--disablefingerprint", "--enablewinbind", "--enablewinbindauth", "--disablewinbind")}
AUTH.update({o: V for o in (
    "--passalgo", "--nisdomain", "--nisserver", "--ldapserver", "--ldapbasedn", "--krb5realm",
    "--krb5kdc", "--krb5adminserver", "--hesiodlhs", "--hesiodrhs", "--smbservers",
    "--smbworkgroup", "--smbsecurity", "--smbrealm", "--winbindseparator", "--winbindtemplatehomedir",
    "--winbindtemplateshell")})

CRYPT = {"--encrypted": F, "--passphrase": V, "--escrowcert": V, "--backuppassphrase": F,
         "--cipher": V}

PART = dict(CRYPT)
PART.update({
    "--size": V, "--grow": F, "--maxsize": V, "--noformat": F, "--onpart": V, "--usepart": V,
    "--ondisk": V, "--ondrive": V, "--asprimary": F, "--fstype": V, "--fsoptions": V,
    "--label": V, "--start": V, "--end": V, "--recommended": F, "--onbiosdisk": V,
    "--fsprofile": V, "--bytes-per-inode": V})

NETWORK = {
    "--bootproto": V, "--dhcpclass": V, "--device": V, "--essid": V, "--ethtool": V,
    "--gateway": V, "--hostname": V, "--ip": V, "--ipv6": V, "--mtu": V, "--nameserver": V,
    "--netmask": V, "--nodns": F, "--noipv4": F, "--noipv6": F, "--onboot": V, "--wepkey": V,
    "--activate": F, "--nodefroute": F, "--wpakey": V, "--vlanid": V, "--bondslaves": V,
    "--bondopts": V, "--notksdevice": F}

REBOOT = {"--eject": F}

COMMANDS = {
    "auth": AUTH, "authconfig": AUTH,
    "autopart": dict(CRYPT),
    "autostep": {"--autoscreenshot": F},
    "bootloader": {"--append": V, "--driveorder": V, "--location": V, "--password": V,
                   "--md5pass": V, "--upgrade": F, "--useLilo": F, "--lba32": F,
                   "--timeout": V, "--iscrypted": F, "--hvargs": V, "--leavebootorder": F},
    "cdrom": {},
    "clearpart": {"--all": F, "--linux": F, "--none": F, "--drives": V, "--initlabel": F,
                  "--list": V},
    "cmdline": {}, "graphical": {}, "text": {},
    "device": {"--opts": V},
    "deviceprobe": {},
    "dmraid": {"--name": V, "--dev": V},
    "driverdisk": {"--source": V, "--biospart": V, "--type": V},
    "fcoe": {"--nic": V, "--dcb": F},
    "firewall": {"--enabled": F, "--enable": F, "--disabled": F, "--disable": F, "--trust": V,
                 "--port": V, "--ssh": F, "--telnet": F, "--smtp": F, "--http": F, "--ftp": F,
                 "--service": V, "--high": F, "--medium": F},
    "firstboot": {"--enable": F, "--enabled": F, "--disable": F, "--disabled": F,
                  "--reconfig": F},
    "group": {"--name": V, "--gid": V},
    "halt": REBOOT, "poweroff": REBOOT, "reboot": REBOOT, "shutdown": REBOOT,
    "harddrive": {"--partition": V, "--dir": V, "--biospart": V},
    "ignoredisk": {"--drives": V, "--only-use": V, "--interactive": F},
    "install": {}, "upgrade": {"--root-device": V},
    "interactive": {},
    "iscsi": {"--target": V, "--ipaddr": V, "--port": V, "--user": V, "--password": V,
              "--reverse-user": V, "--reverse-password": V, "--iface": V},
    "iscsiname": {},
    "keyboard": {},
    "lang": {},
    "logging": {"--host": V, "--port": V, "--level": V},
    "logvol": dict(PART, **{"--name": V, "--vgname": V, "--percent": V, "--useexisting": F,
                            "--resize": F}),
    "mediacheck": {},
    "monitor": {"--hsync": V, "--monitor": V, "--noprobe": F, "--vsync": V},
    "multipath": {"--name": V, "--device": V, "--rule": V},
    "network": NETWORK,
    "nfs": {"--server": V, "--dir": V, "--opts": V},
    "part": PART, "partition": PART,
    "raid": dict(CRYPT, **{"--level": V, "--device": V, "--spares": V, "--fstype": V,
                           "--fsoptions": V, "--noformat": F, "--useexisting": F,
                           "--fsprofile": V, "--label": V}),
    "repo": {"--name": V, "--baseurl": V, "--mirrorlist": V, "--cost": V, "--excludepkgs": V,
             "--includepkgs": V, "--noverifyssl": F, "--proxy": V},
    "rescue": {"--nomount": F, "--romount": F},
    "rootpw": {"--iscrypted": F, "--plaintext": F, "--lock": F},
    "selinux": {"--enforcing": F, "--permissive": F, "--disabled": F},
    "services": {"--enabled": V, "--disabled": V},
    "skipx": {},
    "sshpw": {"--username": V, "--iscrypted": F, "--plaintext": F, "--lock": F},
    "timezone": {"--utc": F, "--isUtc": F},
    "unsupported_hardware": {},
    "updates": {},
    "url": {"--url": V, "--proxy": V, "--noverifyssl": F},
    "user": {"--name": V, "--gecos": V, "--groups": V, "--homedir": V, "--iscrypted": F,
             "--plaintext": F, "--lock": F, "--password": V, "--shell": V, "--uid": V},
    "vnc": {"--host": V, "--port": V, "--password": V, "--connect": V},
    "volgroup": {"--noformat": F, "--useexisting": F, "--pesize": V, "--reserved-space": V,
                 "--reserved-percent": V},
    "xconfig": {"--defaultdesktop": V, "--startxonboot": F, "--driver": V, "--depth": V,
                "--resolution": V, "--videoram": V},
    "zerombr": {},
    "zfcp": {"--devnum": V, "--wwpn": V, "--fcplun": V},
}

# Positional arguments: (min, max); None = unbounded. Commands not listed take none.
ARGS = {
    "keyboard": (1, 1), "lang": (1, 1), "timezone": (1, 1), "rootpw": (1, 1),
    "part": (1, 1), "partition": (1, 1), "logvol": (1, 1), "raid": (1, None),
    "volgroup": (1, None), "device": (0, None), "driverdisk": (0, 1), "updates": (0, 1),
    "sshpw": (1, 1), "iscsiname": (1, 1), "upgrade": (0, 0),
}

# Commands given at most once (later ones would silently win in anaconda).
SINGLE = {"auth", "authconfig", "autopart", "bootloader", "cdrom", "clearpart", "firewall",
          "firstboot", "harddrive", "ignoredisk", "keyboard", "lang", "nfs", "rootpw",
          "selinux", "timezone", "url", "zerombr", "xconfig", "skipx", "text", "graphical",
          "cmdline", "reboot", "halt", "poweroff", "shutdown"}
# Install methods: exactly one of them in a complete kickstart.
METHODS = {"cdrom", "url", "nfs", "harddrive"}
REQUIRED = ("lang", "keyboard", "timezone", "rootpw", "bootloader")
FSTYPES = {"ext2", "ext3", "ext4", "xfs", "swap", "vfat", "efi", "biosboot", "prepboot",
           "msdos", "hfs", "hfs+", "btrfs", "ext4dev"}

SECTIONS = {
    "%pre": {"--interpreter": V, "--erroronfail": F, "--log": V, "--logfile": V},
    "%post": {"--interpreter": V, "--erroronfail": F, "--log": V, "--logfile": V,
              "--nochroot": F},
    "%traceback": {"--interpreter": V, "--erroronfail": F, "--log": V, "--logfile": V},
    "%packages": {"--excludedocs": F, "--ignoremissing": F, "--nobase": F, "--default": F,
                  "--instLangs": V, "--multilib": F, "--resolvedeps": F,
                  "--ignoredeps": F},
}
# What EL7+ added: named so the message can say why.
NEWER = {"reqpart": "EL7.2+", "liveimg": "EL7", "ostreesetup": "EL7", "realm": "EL7",
         "eula": "EL7", "btrfs": "EL7 (Fedora 17+)", "%addon": "EL7", "%anaconda": "EL7.1",
         "sshkey": "EL7.3", "module": "EL8", "authselect": "EL8", "snapshot": "EL7.4",
         "mount": "EL8", "timesource": "EL9", "rhsm": "EL8", "syspurpose": "EL8",
         "--nocore": "EL7 (%packages --nocore)"}


class Linter:
    def __init__(self, fragment, includes):
        self.fragment = fragment
        self.includes = includes
        self.errors = []
        self.seen = {}
        self.sections = 0
        self.commands = 0
        self.lines = []  # (file, lineno, command, options dict, args) of every command

    def err(self, where, msg):
        self.errors.append("%s:%d: %s" % (where[0], where[1], msg))

    def check_inst(self, where, tokens):
        for t in tokens:
            if t.startswith("--") and "=" in t:
                t = t.partition("=")[2]  # --append="inst.ks=..." checks the value
            for w in re.split(r"\s+", t):
                if w.startswith("inst.") or w.startswith("--inst."):
                    self.err(where, "'%s': inst.* options are EL7+ (EL6 uses ks=, repo=, "
                                    "ksdevice=...)" % w)

    def parse_options(self, where, name, table, tokens):
        """Splits tokens into options and positional args, checking each option."""
        opts, args = {}, []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t.startswith("--"):
                key, eq, val = t.partition("=")
                if key not in table:
                    why = NEWER.get(key)
                    self.err(where, "%s: unknown option %s%s" % (
                        name, key, " (%s only)" % why if why else " on EL6"))
                    i += 1
                    continue
                if table[key] == V:
                    if not eq:
                        if i + 1 >= len(tokens) or tokens[i + 1].startswith("--"):
                            self.err(where, "%s: option %s needs a value" % (name, key))
                            i += 1
                            continue
                        val = tokens[i + 1]
                        i += 1
                    if val == "":
                        self.err(where, "%s: option %s has an empty value" % (name, key))
                elif eq:
                    self.err(where, "%s: option %s takes no value" % (name, key))
                opts[key] = val if table[key] == V else True
            else:
                args.append(t)
            i += 1
        return opts, args

    def command(self, where, tokens):
        name = tokens[0]
        self.check_inst(where, tokens)
        if name not in COMMANDS:
            why = NEWER.get(name)
            self.err(where, "unknown command '%s'%s" % (
                name, " (%s only, not EL6)" % why if why else " on EL6"))
            return
        self.commands += 1
        opts, args = self.parse_options(where, name, COMMANDS[name], tokens[1:])
        lo, hi = ARGS.get(name, (0, 0))
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = ("%d" % lo if lo == hi else "%d to %s" % (lo, hi if hi is not None else "any"))
            self.err(where, "%s: %d argument(s) %s, want %s" % (
                name, len(args), " ".join(args), want))
        if name in SINGLE:
            if name in self.seen:
                self.err(where, "%s given twice (first at line %d)" % (name, self.seen[name][1]))
        self.seen.setdefault(name, where)
        self.lines.append((where, name, opts, args))
        getattr(self, "check_" + name, lambda w, o, a: None)(where, opts, args)

    # value checks of the commands this product uses
    def check_part(self, where, opts, args):
        if args:
            mnt = args[0]
            if not (mnt.startswith("/") or mnt in ("swap", "None", "none")
                    or re.match(r"^(raid|pv)\.[A-Za-z0-9_]+$", mnt)):
                self.err(where, "part: mount point '%s' is not /..., swap, raid.N or pv.N" % mnt)
            if "--recommended" in opts and mnt != "swap":
                self.err(where, "part: --recommended is for swap only")
        for k in ("--size", "--maxsize"):
            if k in opts and not re.match(r"^[0-9]+$", str(opts[k])):
                self.err(where, "part: %s=%s is not a size in MiB" % (k, opts[k]))
        if "--size" not in opts and "--recommended" not in opts and "--onpart" not in opts \
                and "--usepart" not in opts:
            self.err(where, "part: needs --size (or --recommended for swap, --onpart)")
        if "--fstype" in opts and opts["--fstype"] not in FSTYPES:
            self.err(where, "part: unknown --fstype=%s" % opts["--fstype"])

    check_partition = check_part

    def check_bootloader(self, where, opts, args):
        loc = opts.get("--location")
        if loc is not None and loc not in ("mbr", "partition", "none", "boot"):
            self.err(where, "bootloader: --location=%s is not mbr, partition or none" % loc)

    def check_network(self, where, opts, args):
        bp = opts.get("--bootproto", "dhcp")
        if bp not in ("dhcp", "bootp", "static", "query", "ibft"):
            self.err(where, "network: --bootproto=%s is not dhcp, bootp, static, query or ibft" % bp)
        if bp == "static":
            for k in ("--ip", "--netmask"):
                if k not in opts:
                    self.err(where, "network: --bootproto=static needs %s" % k)
        for k in ("--ip", "--netmask", "--gateway"):
            if k in opts and not re.match(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$", str(opts[k])):
                self.err(where, "network: %s=%s is not an IPv4 address" % (k, opts[k]))
        if "--onboot" in opts and opts["--onboot"] not in ("yes", "no", "on", "off", "true",
                                                            "false", "1", "0"):
            self.err(where, "network: --onboot=%s is not yes or no" % opts["--onboot"])

    def check_clearpart(self, where, opts, args):
        if sum(1 for k in ("--all", "--linux", "--none") if k in opts) > 1:
            self.err(where, "clearpart: --all, --linux and --none exclude each other")

    def check_firewall(self, where, opts, args):
        port = opts.get("--port")
        if port:
            for p in str(port).split(","):
                if not re.match(r"^([0-9]+|[a-z0-9-]+):(tcp|udp)$", p):
                    self.err(where, "firewall: --port=%s: want PORT:tcp|udp" % p)

    def check_url(self, where, opts, args):
        if "--url" not in opts:
            self.err(where, "url: needs --url=")

    def check_rootpw(self, where, opts, args):
        if args and "--iscrypted" in opts and args[0] not in ("*", "!", "!!") \
                and not re.match(r"^\$[156]\$[^$]+\$[./0-9A-Za-z]+$", args[0]):
            self.err(where, "rootpw --iscrypted: '%s' is not a crypt(3) MD5/SHA hash" % args[0])

    def check_selinux(self, where, opts, args):
        if len(opts) > 1:
            self.err(where, "selinux: give one of --enforcing, --permissive, --disabled")

    def lint_file(self, path, text):
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        section = None  # (name, line) while inside a section
        for n, raw in enumerate(lines, 1):
            where = (path, n)
            line = raw.strip()
            if section is not None:
                if line == "%end":
                    section = None
                elif re.match(r"^%(pre|post|packages|traceback|addon|anaconda)\b", line):
                    self.err(where, "%s starts before %s (line %d) ends: missing %%end" % (
                        line.split()[0], section[0], section[1]))
                    section = self.open_section(where, line)
                elif section[0] == "%packages" and line and not line.startswith("#"):
                    self.check_inst(where, [line])
                continue
            if not line or line.startswith("#"):
                continue
            if line.startswith("%"):
                word = line.split()[0]
                if word == "%include":
                    self.include(where, line)
                elif word == "%ksappend":
                    pass
                elif word == "%end":
                    self.err(where, "%end without a section")
                else:
                    section = self.open_section(where, line)
                continue
            try:
                tokens = shlex.split(line, comments=True)
            except ValueError as e:
                self.err(where, "cannot parse (%s): %s" % (e, line))
                continue
            if tokens:
                self.command(where, tokens)
        if section is not None:
            self.err((path, section[1]), "%s is not closed: missing %%end (EL6 needs it)" %
                     section[0])

    def open_section(self, where, line):
        try:
            tokens = shlex.split(line)
        except ValueError as e:
            self.err(where, "cannot parse (%s): %s" % (e, line))
            return (line.split()[0], where[1])
        name = tokens[0]
        if name not in SECTIONS:
            why = NEWER.get(name)
            self.err(where, "unknown section %s%s" % (name, " (%s only)" % why if why else ""))
            return (name, where[1])
        self.sections += 1
        self.check_inst(where, tokens)
        opts, args = self.parse_options(where, name, SECTIONS[name], tokens[1:])
        if args:
            self.err(where, "%s: unexpected argument(s) %s" % (name, " ".join(args)))
        return (name, where[1])

    def include(self, where, line):
        parts = line.split()
        if len(parts) != 2:
            self.err(where, "%include takes one path")
            return
        self.seen.setdefault("%include", where)
        src = self.includes.get(parts[1])
        if src is None:
            return
        with open(src) as f:
            text = f.read()
        for n, raw in enumerate(text.split("\n"), 1):
            if raw.strip().startswith("%") and not raw.strip().startswith("%include"):
                self.err((src, n), "an %%include'd file of commands holds a section: %s" %
                         raw.strip())
        inner = Linter(True, self.includes)
        inner.seen = self.seen
        inner.lint_file(src, text)
        self.errors.extend(inner.errors)
        self.commands += inner.commands
        self.lines.extend(inner.lines)

    def finish(self, path, include_unresolved):
        if self.fragment:
            return
        for c in REQUIRED:
            if c not in self.seen and not include_unresolved:
                self.err((path, 0), "required command '%s' is missing" % c)
        methods = [m for m in METHODS if m in self.seen]
        if len(methods) > 1:
            self.err((path, 0), "more than one install method: %s" % ", ".join(sorted(methods)))
        if not methods:
            self.err((path, 0), "no install method (cdrom, url, nfs or harddrive)")
        if not include_unresolved and not any(c in self.seen for c in ("part", "partition",
                                                                       "autopart")):
            self.err((path, 0), "no partitioning (part or autopart)")


def main(argv):
    fragment = False
    includes = {}
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--fragment":
            fragment = True
        elif a == "--include":
            if i + 1 >= len(argv) or "=" not in argv[i + 1]:
                print("kslint: --include needs PATH=FILE", file=sys.stderr)
                return 2
            k, _, v = argv[i + 1].partition("=")
            includes[k] = v
            i += 1
        elif a.startswith("-"):
            print("usage: kslint.py [--fragment] [--include PATH=FILE]... FILE...",
                  file=sys.stderr)
            return 2
        else:
            files.append(a)
        i += 1
    if not files:
        print("usage: kslint.py [--fragment] [--include PATH=FILE]... FILE...", file=sys.stderr)
        return 2
    bad = 0
    for path in files:
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            print("kslint: %s: %s" % (path, e.strerror), file=sys.stderr)
            return 2
        lint = Linter(fragment, includes)
        lint.lint_file(path, text)
        unresolved = "%include" in lint.seen and not includes
        lint.finish(path, unresolved)
        for e in lint.errors:
            print(e)
        if lint.errors:
            bad += 1
        else:
            print("kslint: %s: ok (%d commands, %d sections)" % (path, lint.commands,
                                                                  lint.sections))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
