#!/usr/bin/python3
"""Run a command under the restrictions of a systemd service unit, without systemd.

Used by tests/systemd_units.rs to prove that the hardening of deploy/systemd/*.service still
lets the binary do its job, on machines where systemd cannot start units (containers, CI).

    unit_sandbox.py --unit FILE --dirs DIR [--resolv-conf FILE] [--kill-on-refused]
                    [--print-plan] -- PROGRAM ARGS...

--resolv-conf: the sandbox's /etc/resolv.conf, for tests with a loopback DNS server.
--kill-on-refused: a syscall outside the allow-list kills the process (systemd's action
without SystemCallErrorNumber=) even when the unit says EPERM: a test then shows that the
program makes no refused call at all, instead of coping with an error.

Two stages:
1. outer (as root): bubblewrap builds the unit's file-system view (systemd.exec(5)):
   ProtectSystem=strict (/ read-only), PrivateTmp (empty /tmp, /var/tmp), ProtectHome=yes
   (empty /home, /root, /run/user), PrivateDevices (a minimal /dev), StateDirectory,
   LogsDirectory (writable, DIR/state and DIR/logs), ConfigurationDirectory (read-only,
   DIR/config), LoadCredential= (a file of DIR/config copied to /run/credentials/UNIT,
   readable by the service user only; `%d` in PROGRAM ARGS becomes that directory),
   WorkingDirectory, PrivateIPC / ProtectHostname (IPC and UTS namespaces), a
   clean environment with STATE_DIRECTORY, LOGS_DIRECTORY, CONFIGURATION_DIRECTORY.
2. inner (this script again, inside the sandbox): drops to an unprivileged uid/gid (what
   DynamicUser= gives: no capabilities, CapabilityBoundingSet= empty), sets no_new_privs
   (NoNewPrivileges=yes) and loads seccomp filters built as systemd builds them from the
   unit's SystemCallFilter= (groups expanded with `systemd-analyze syscall-filter`, the
   `~` lines removed from the allow-list, SystemCallErrorNumber= as the action for the
   rest, non-native architectures killed: SystemCallArchitectures=native),
   RestrictAddressFamilies= (socket() with another family fails with EAFNOSUPPORT),
   MemoryDenyWriteExecute= (mmap W+X, mprotect/pkey_mprotect +X, shmat SHM_EXEC fail with
   EPERM), RestrictNamespaces=yes (unshare/clone with CLONE_NEW*, setns fail with EPERM,
   clone3 with ENOSYS so libc falls back to clone) and RestrictRealtime= (SCHED_FIFO, RR,
   DEADLINE refused), then execs PROGRAM. Filters and no_new_privs are inherited by every
   child, as under systemd (a Notification_Command hook runs under them too).

Everything else the unit sets is listed as "not applied" by --print-plan: those settings
are only checked offline (systemd-analyze verify / security).

Needs bwrap (Debian: bubblewrap) and the libseccomp Python binding (Debian: python3-seccomp).
Exit status: the program's, or 125 when the sandbox could not be set up.
"""

import errno
import os
import subprocess
import sys

APPLIED = {
    "ProtectSystem", "PrivateTmp", "ProtectHome", "PrivateDevices", "StateDirectory",
    "LogsDirectory", "ConfigurationDirectory", "WorkingDirectory", "PrivateIPC",
    "ProtectHostname", "DynamicUser", "User", "Group", "CapabilityBoundingSet",
    "AmbientCapabilities", "NoNewPrivileges", "SystemCallFilter", "SystemCallErrorNumber",
    "SystemCallArchitectures", "RestrictAddressFamilies", "MemoryDenyWriteExecute",
    "RestrictNamespaces", "RestrictRealtime", "PrivateUsers", "ExecStart", "LoadCredential",
}
# Settings that do not restrict what the process may do (or only its lifecycle).
NEUTRAL = {
    "Type", "Restart", "RestartSec", "RestartPreventExitStatus", "TimeoutStartSec", "UMask",
}

UID = GID = 61934  # an unprivileged id, as DynamicUser= allocates (61184-65519)

AF = {"AF_UNIX": 1, "AF_LOCAL": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16,
      "AF_PACKET": 17}
CLONE_NEW = [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
             0x40000000, 0x00000080]  # NS, CGROUP, UTS, IPC, USER, PID, NET, TIME


def die(msg):
    print(f"unit_sandbox: {msg}", file=sys.stderr)
    sys.exit(125)


def parse_unit(path):
    """[Service] settings as (key, value) pairs in file order (repeated keys kept)."""
    with open(path) as f:
        return parse_unit_text(f.read())


def parse_unit_text(text):
    out, section = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section == "Service" and "=" in line:
            k, v = line.split("=", 1)
            out.append((k.strip(), v.strip()))
    return out


def last(settings, key, default=None):
    vals = [v for k, v in settings if k == key]
    return vals[-1] if vals else default


def yes(v):
    return v is not None and v.lower() in ("1", "yes", "true", "on")


def syscall_groups():
    """Every group `systemd-analyze syscall-filter` knows: name -> members (names, @groups)."""
    text = subprocess.run(["systemd-analyze", "syscall-filter"], check=True,
                          capture_output=True, text=True).stdout
    groups, cur = {}, None
    for line in text.splitlines():
        if line.startswith("@"):
            cur = line.split()[0]
            groups[cur] = []
        elif cur and line.strip() and not line.strip().startswith("#"):
            groups[cur].append(line.strip())
        elif not line.strip():
            cur = None
    return groups


def expand(items, groups, seen=None):
    seen = set() if seen is None else seen
    out = set()
    for it in items:
        if it.startswith("@"):
            if it in seen:
                continue
            seen.add(it)
            if it not in groups:
                die(f"unknown syscall group {it}")
            out |= expand(groups[it], groups, seen)
        else:
            out.add(it)
    return out


def allow_list(settings):
    """systemd's semantics: the first SystemCallFilter= decides allow- or deny-list mode;
    later allow lines add, `~` lines remove."""
    groups = syscall_groups()
    allowed = None
    for k, v in settings:
        if k != "SystemCallFilter" or not v:
            continue
        deny = v.startswith("~")
        names = expand(v.lstrip("~").split(), groups)
        if allowed is None:
            if deny:
                die("deny-list SystemCallFilter= not supported by this harness")
            allowed = set(names)
        elif deny:
            allowed -= names
        else:
            allowed |= names
    return allowed


def credentials(settings, dirs, unit_name):
    """LoadCredential=ID:/etc/NAME/FILE -> a copy of DIR/config/FILE, mode 0400, owned by
    the service user, in DIR/credentials (bound at /run/credentials/UNIT, as systemd does)."""
    conf = last(settings, "ConfigurationDirectory")
    out = os.path.join(dirs, "credentials")
    creds = [v for k, v in settings if k == "LoadCredential"]
    if not creds:
        return None
    os.makedirs(out, exist_ok=True)
    for v in creds:
        ident, path = v.split(":", 1)
        prefix = f"/etc/{conf}/"
        if not conf or not path.startswith(prefix):
            die(f"LoadCredential={v}: only files of the ConfigurationDirectory are supported")
        with open(os.path.join(dirs, "config", path[len(prefix):]), "rb") as f:
            data = f.read()
        dest = os.path.join(out, ident)
        with open(dest, "wb") as f:
            f.write(data)
        os.chown(dest, UID, GID)
        os.chmod(dest, 0o400)
    os.chown(out, UID, GID)
    os.chmod(out, 0o500)
    return out, f"/run/credentials/{unit_name}"


def bwrap_argv(settings, dirs, program, unit_name, resolv=None):
    strict = last(settings, "ProtectSystem")
    if strict != "strict":
        die("the harness applies ProtectSystem=strict only")
    a = ["bwrap", "--die-with-parent", "--new-session", "--ro-bind", "/", "/",
         "--dev", "/dev", "--proc", "/proc"]
    if yes(last(settings, "PrivateTmp")):
        a += ["--tmpfs", "/tmp", "--tmpfs", "/var/tmp"]
    if yes(last(settings, "PrivateIPC")):
        a += ["--unshare-ipc"]
    if yes(last(settings, "ProtectHostname")):
        a += ["--unshare-uts"]
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "LANG": "C.UTF-8", "HOME": "/", "USER": "certstreammonitor",
           "LOGNAME": "certstreammonitor"}
    for tz in ("TZ",):
        if tz in os.environ:
            env[tz] = os.environ[tz]
    binds = []  # (parent, name, host dir, writable)
    for key, parent, sub, rw, var in (
            ("StateDirectory", "/var/lib", "state", True, "STATE_DIRECTORY"),
            ("LogsDirectory", "/var/log", "logs", True, "LOGS_DIRECTORY"),
            ("ConfigurationDirectory", "/etc", "config", False, "CONFIGURATION_DIRECTORY")):
        name = last(settings, key)
        if not name:
            continue
        host = os.path.join(dirs, sub)
        os.makedirs(host, exist_ok=True)
        if rw:
            os.chown(host, UID, GID)  # systemd chowns them to the (dynamic) user
        binds.append((parent, name, host, rw))
        env[var] = f"{parent}/{name}"
    creds = credentials(settings, dirs, unit_name)
    if creds:
        binds.append(("/run", creds[1][len("/run/"):], creds[0], False))
        env["CREDENTIALS_DIRECTORY"] = creds[1]
        program = [a.replace("%d", creds[1]) for a in program]
    # The directories do not exist on the host and / is read-only: give each parent a
    # tmpfs holding the host's entries (read-only binds, symlinks as symlinks) plus ours,
    # then make that tmpfs read-only too.
    for parent in sorted({b[0] for b in binds}):
        a += ["--tmpfs", parent]
        for entry in sorted(os.listdir(parent)):
            p = os.path.join(parent, entry)
            if resolv and p == "/etc/resolv.conf":
                a += ["--ro-bind", resolv, p]
            elif os.path.islink(p):
                a += ["--symlink", os.readlink(p), p]
            else:
                a += ["--ro-bind", p, p]
        for (par, name, host, rw) in binds:
            if par == parent:
                if "/" in name:  # bwrap would make the missing levels 0700
                    a += ["--perms", "0755", "--dir", f"{parent}/{os.path.dirname(name)}"]
                a += ["--bind" if rw else "--ro-bind", host, f"{parent}/{name}"]
        a += ["--remount-ro", parent]
    # After the parents' tmpfs (/run among them) so that it is not hidden again.
    if last(settings, "ProtectHome") in ("yes", "true", "tmpfs"):
        for d in ("/home", "/root", "/run/user"):
            if os.path.isdir(d):
                a += ["--tmpfs", d]
    # This script, the program and the files its arguments name may live under the /tmp
    # just replaced (a checkout or a build in /tmp): show them at the same paths,
    # read-only, their directories 0755 so the unprivileged user can reach them.
    if yes(last(settings, "PrivateTmp")):
        shown = [os.path.abspath(__file__)] + [
            os.path.abspath(p) for p in program if p.startswith("/") and os.path.isfile(p)]
        for f in dict.fromkeys(shown):
            if not f.startswith(("/tmp/", "/var/tmp/")):
                continue
            parts = f.split("/")[1:-1]
            for i in range(2, len(parts) + 1):
                a += ["--perms", "0755", "--dir", "/" + "/".join(parts[:i])]
            a += ["--ro-bind", f, f]
    wd = last(settings, "WorkingDirectory")
    if wd:
        a += ["--chdir", wd.replace("%S", "/var/lib").replace("%L", "/var/log")]
    a += ["--clearenv"]
    for k, v in env.items():
        a += ["--setenv", k, v]
    return a + [sys.executable, os.path.abspath(__file__), "--inner"] + program


def load_filters(settings, kill_on_refused=False):
    import seccomp

    err = None if kill_on_refused else last(settings, "SystemCallErrorNumber")
    action = seccomp.KILL_PROCESS if not err else seccomp.ERRNO(getattr(errno, err))
    allowed = allow_list(settings)
    filters = []
    if allowed is not None:
        f = seccomp.SyscallFilter(defaction=action)  # native arch only: others are killed
        for name in sorted(allowed):
            try:
                f.add_rule(seccomp.ALLOW, name)
            except (RuntimeError, ValueError, OSError):
                pass  # a syscall this kernel/libseccomp does not know on this architecture
        filters.append(f)
    g = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    fams = last(settings, "RestrictAddressFamilies")
    if fams:
        if fams.startswith("~"):
            die("deny-list RestrictAddressFamilies= not supported by this harness")
        ok = sorted(AF[x] for x in fams.split())
        eaf = seccomp.ERRNO(errno.EAFNOSUPPORT)
        g.add_rule(eaf, "socket", seccomp.Arg(0, seccomp.GT, ok[-1]))
        for fam in range(0, ok[-1]):
            if fam not in ok:
                g.add_rule(eaf, "socket", seccomp.Arg(0, seccomp.EQ, fam))
    eperm = seccomp.ERRNO(errno.EPERM)
    if yes(last(settings, "MemoryDenyWriteExecute")):
        prot_wx = 0x2 | 0x4
        g.add_rule(eperm, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, prot_wx, prot_wx))
        g.add_rule(eperm, "mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, 0x4, 0x4))
        g.add_rule(eperm, "pkey_mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, 0x4, 0x4))
        g.add_rule(eperm, "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, 0o100000, 0o100000))
    if last(settings, "RestrictNamespaces") == "yes":
        g.add_rule(eperm, "setns")
        for flag in CLONE_NEW:
            g.add_rule(eperm, "unshare", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
            g.add_rule(eperm, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        g.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    if yes(last(settings, "RestrictRealtime")):
        for policy in (1, 2, 6):  # SCHED_FIFO, SCHED_RR, SCHED_DEADLINE
            g.add_rule(eperm, "sched_setscheduler", seccomp.Arg(1, seccomp.EQ, policy))
    # The allow-list last: once it is loaded, seccomp() itself may be refused.
    filters.insert(0, g)
    return filters


def inner(program):
    # The unit's text, not its path: the file may be under the /tmp the sandbox hides.
    settings = parse_unit_text(os.environ.pop("UNIT_SANDBOX_UNIT"))
    kill = os.environ.pop("UNIT_SANDBOX_KILL", "") == "1"
    filters = load_filters(settings, kill)  # before dropping root: runs systemd-analyze
    os.setgroups([])
    os.setresgid(GID, GID, GID)
    os.setresuid(UID, UID, UID)  # from root to non-root: every capability is dropped
    os.umask(int(last(settings, "UMask", "0022"), 8))
    for f in filters:
        f.load()  # sets no_new_privs first (libseccomp's default, NoNewPrivileges=yes)
    os.execv(program[0], program)


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "--inner":
        return inner(argv[1:])
    unit = dirs = resolv = None
    plan = kill = False
    while argv and argv[0] != "--":
        opt = argv.pop(0)
        if opt == "--unit":
            unit = argv.pop(0)
        elif opt == "--dirs":
            dirs = argv.pop(0)
        elif opt == "--resolv-conf":
            resolv = os.path.abspath(argv.pop(0))
        elif opt == "--kill-on-refused":
            kill = True
        elif opt == "--print-plan":
            plan = True
        else:
            die(f"unknown option {opt}")
    program = argv[1:]
    if not unit or not dirs or not program:
        die("usage: unit_sandbox.py --unit FILE --dirs DIR [--resolv-conf FILE] "
            "[--kill-on-refused] [--print-plan] -- PROGRAM ARGS...")
    try:
        import seccomp  # noqa: F401
    except ImportError:
        die("no libseccomp Python binding (Debian: python3-seccomp)")
    settings = parse_unit(unit)
    if plan:
        keys = sorted({k for k, _ in settings})
        print("applied: " + " ".join(k for k in keys if k in APPLIED), file=sys.stderr)
        print("not applied (checked offline only): "
              + " ".join(k for k in keys if k not in APPLIED and k not in NEUTRAL),
              file=sys.stderr)
    a = bwrap_argv(settings, os.path.abspath(dirs), program, os.path.basename(unit), resolv)
    # --clearenv empties the environment inside: the unit goes through bwrap's --setenv.
    with open(unit) as f:
        text = f.read()
    i = a.index("--clearenv")
    a[i + 1:i + 1] = ["--setenv", "UNIT_SANDBOX_UNIT", text,
                      "--setenv", "UNIT_SANDBOX_KILL", "1" if kill else "0"]
    os.execvp(a[0], a)


if __name__ == "__main__":
    main()
