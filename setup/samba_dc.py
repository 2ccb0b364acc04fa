#!/usr/bin/python3
"""Runs a Samba 4.17 AD DC whose every file lives under one directory.

The same code serves the throwaway DC of the test bed (testsuite/testbed.py)
and the quickstart's long-lived one:

    /usr/bin/python3 setup/samba_dc.py run --datadir DIR [--realm REALM]
        [--address ADDR] [--domain NETBIOS] [--option 'name = value' ...]

Layout of DIR: etc/smb.conf, private/ (sam.ldb, secrets), state/, cache/,
run/ (pid file, ncalrpc and other sockets), log/samba.log, credentials
(passwords generated on the first run, mode 0600) and .provisioned (what the
domain was provisioned with; written last, so its absence means "not done").
Every run then applies openchange_provision (Exchange schema, organization,
private/openchange.ldb) and mailbox-enables the demo user; both are
idempotent, so a directory made before either existed catches up.
"""
import argparse
import errno
import ipaddress
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

ADMIN_USER = "Administrator"
DEMO_USER = "demo"
DEFAULT_REALM = "OPENCHANGE.TEST"
DEFAULT_ADDRESS = "127.0.0.10"
EPMAPPER_PORT = 135

# Samba's default list is s3fs, rpc, nbt, wrepl, ldap, cldap, kdc, drepl,
# winbindd, ntp_signd, kcc, dnsupdate.  Measured on Debian 12:
#  - "rpc" alone serves DCE/RPC with NTLM: the rpc task checks passwords
#    against sam.ldb in-process; NTLM binds work without winbindd;
#  - winbindd is a separate package (winbind) that is not installed; when
#    samba cannot start it, it terminates itself two seconds after start;
#  - s3fs starts smbd and its helpers, which this DC does not need (it
#    serves no files), and leaves more processes to stop;
#  - ldap generates a TLS key inside the single process on a new DC's
#    first start, stalling everything ~2 s (0.5 s on later starts);
#    samba-tool reaches sam.ldb directly instead;
#  - nbt, wrepl, cldap, dns, drepl, ntp_signd: name services, replication
#    and time signing, pointless for a lone DC on one address; kcc and
#    dnsupdate run external helpers (samba_kcc, samba_dnsupdate) at start
#    and every few minutes.
# "kdc" stays so clients may use Kerberos; it costs ports 88/464 and ~50 ms.
# Order matters in the single process model: tasks start one after the
# other, so with rpc last, port 135 answering means everything is up.
DEFAULT_SERVICES = ("kdc", "rpc")

# Every path samba would otherwise take from its build defaults (/run/samba,
# /var/lib/samba, /var/log/samba); provisioning with --targetdir moves only
# private, lock, state, cache and binddns directories.
RUN_PATHS = {
    "pid directory": "run",
    "ncalrpc dir": "run/ncalrpc",
    "winbindd socket directory": "run/winbindd",
    "ntp signd socket directory": "run/ntp_signd",
    "log file": "log/samba.log",
    "smb passwd file": "private/smbpasswd",
    "usershare path": "state/usershares",
}
# Samba creates the sockets in these but not the directories themselves.
RUN_DIRS = ("run", "run/ncalrpc", "log")

# Provisioning sets sysvol ACLs through the s3 VFS; an AD DC's default VFS
# stack names acl_xattr, which only samba-vfs-modules ships.  This DC never
# serves files (no s3fs), so the built-in posixacl module is enough and the
# package is not required.
SYSVOL_VFS = {"vfs objects": "posixacl"}

# Samba's longest Unix socket path under DATADIR is
# run/ncalrpc/np/protected_storage (33 bytes); sun_path holds 107.
MAX_DATADIR_LENGTH = 70

PROVISION_MARKER = ".provisioned"
CREDENTIALS = "credentials"
STOP_GRACE_SECONDS = 5.0


class SambaDCError(Exception):
    """A failure worth one clear line to the user (with details after it)."""


def smb_conf_path(datadir):
    return os.path.join(datadir, "etc", "smb.conf")


def sam_ldb_path(datadir):
    return os.path.join(datadir, "private", "sam.ldb")


def log_path(datadir):
    return os.path.join(datadir, RUN_PATHS["log file"])


def credentials_path(datadir):
    return os.path.join(datadir, CREDENTIALS)


def find_program(name):
    """Finds samba's tools even when PATH lacks the sbin directories."""
    path = os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin"
    found = shutil.which(name, path=path)
    if found is None:
        raise SambaDCError("%s is not installed (Debian package: samba)" % name)
    return found


def dcerpc_modules_dir():
    """Where samba dlopens endpoint server modules from.  pkg-config knows
    it when samba-dev is installed; `samba -b` always does."""
    try:
        found = subprocess.run(["pkg-config", "--variable=modulesdir", "dcerpc_server"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True).stdout.strip()
    except FileNotFoundError:
        found = ""
    if found:
        return found
    build = run_tool([find_program("samba"), "-b"], "samba -b")
    match = re.search(r"^\s*MODULESDIR:\s*(\S+)", build, re.M)
    if not match:
        raise SambaDCError("cannot tell where samba loads its modules from")
    return os.path.join(match.group(1), "dcerpc_server")


def mapiproxy_module_path():
    return os.path.join(dcerpc_modules_dir(), "mapiproxy.so")


# ---------------------------------------------------------------- validation

_DNS_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_REALM_RE = re.compile(r"^%s(?:\.%s)+$" % (_DNS_LABEL, _DNS_LABEL))
_NETBIOS_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,14}$")


def check_realm(realm):
    # samba-tool accepts more, but then fails late or builds a domain that
    # Kerberos and Outlook cannot use; a dotted DNS name avoids both.
    if not _REALM_RE.match(realm) or len(realm) > 253:
        raise SambaDCError("invalid realm %r: expected a DNS domain name with at least "
                           "one dot, e.g. EXAMPLE.TEST" % realm)
    return realm.upper()


def check_netbios_name(name, what):
    if not _NETBIOS_RE.match(name):
        raise SambaDCError("invalid %s %r: 1 to 15 letters, digits or '-', starting "
                           "with a letter or digit" % (what, name))
    return name.upper()


def default_domain(realm):
    return realm.split(".")[0][:15].upper().rstrip("-")


def default_hostname(domain):
    # Samba refuses a host whose NetBIOS name equals the domain's.
    return "OCDC" if domain.upper() != "OCDC" else "OCDC1"


def check_address(address):
    """Accepts an IPv4 address samba can bind: any of 127/8 (Linux routes the
    whole block to lo, so no `ip addr add` is needed) or one configured here."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        raise SambaDCError("invalid address %r: expected an IPv4 address such as "
                           "127.0.0.10" % address) from None
    if not ip.is_loopback:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            probe.bind((address, 0))
        except OSError as error:
            if error.errno == errno.EADDRNOTAVAIL:
                raise SambaDCError("address %s is not configured on this machine (see "
                                   "`ip -4 addr`); use one of 127.0.0.0/8 or add it "
                                   "first" % address) from None
            raise
        finally:
            probe.close()
    return str(ip)


def check_datadir(datadir):
    datadir = os.path.abspath(datadir)
    if len(datadir) > MAX_DATADIR_LENGTH:
        raise SambaDCError("%s is too long (%d characters, at most %d): samba's socket "
                           "paths under it would not fit in a Unix socket address"
                           % (datadir, len(datadir), MAX_DATADIR_LENGTH))
    return datadir


def port_answers(address, port=EPMAPPER_PORT, timeout=0.2):
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def interfaces_value(address):
    # 127.0.0.x (x > 1) belongs to no interface, so samba cannot look its
    # netmask up and needs it spelled out; a configured address is exact.
    prefix = 8 if ipaddress.IPv4Address(address).is_loopback else 32
    return "%s/%d" % (address, prefix)


def parse_option(text):
    """'name = value' or 'name=value' -> (name, value), as smb.conf reads it."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or "\n" in text:
        raise SambaDCError("invalid option %r: expected 'name = value'" % text)
    return name, value


# ---------------------------------------------------------------- passwords

_PASSWORD_CLASSES = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz",
                     "23456789", "-_.+=@%")


def generate_password(length=20):
    """A password AD's complexity rules accept (it draws from all four
    classes) that pastes into a shell without quoting and, starting with a
    letter, is never taken for a command-line option."""
    letters = _PASSWORD_CLASSES[0] + _PASSWORD_CLASSES[1]
    alphabet = "".join(_PASSWORD_CLASSES)
    rest = [secrets.choice(cls) for cls in _PASSWORD_CLASSES]
    rest += [secrets.choice(alphabet) for _ in range(length - 1 - len(rest))]
    # Shuffle with a CSPRNG so the class order does not leak.
    for i in range(len(rest) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        rest[i], rest[j] = rest[j], rest[i]
    return secrets.choice(letters) + "".join(rest)


def write_private_file(path, text):
    """Writes a file that is never readable by others, not even briefly."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.rename(tmp, path)


def load_or_create_credentials(datadir):
    """The admin and demo passwords, generated on the first run and kept,
    so a second run of the quickstart prints the same ones."""
    path = credentials_path(datadir)
    if os.path.exists(path):
        values = {}
        with open(path) as lines:
            for line in lines:
                for word in shlex.split(line, comments=True):
                    key, _, value = word.partition("=")
                    values[key] = value
        return values
    values = {"ADMIN_USER": ADMIN_USER, "ADMIN_PASSWORD": generate_password(),
              "DEMO_USER": DEMO_USER, "DEMO_PASSWORD": generate_password()}
    text = "# generated by setup/samba_dc.py; sh-sourceable\n" + "".join(
        "%s=%s\n" % (key, shlex.quote(value)) for key, value in values.items())
    write_private_file(path, text)
    return values


# ---------------------------------------------------------------- running tools

def run_tool(argv, what):
    """Runs a samba tool; on failure, raises with the end of its output."""
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-15:])
        raise SambaDCError("%s failed (exit %d):\n%s" % (what, result.returncode, tail))
    return result.stdout


def option_args(options):
    return ["--option=%s=%s" % (name, value) for name, value in options.items()]


# ---------------------------------------------------------------- provisioning

def provisioned_settings(datadir):
    """What DIR was provisioned with, or None if it was not (completely)."""
    try:
        with open(os.path.join(datadir, PROVISION_MARKER)) as marker:
            return json.load(marker)
    except FileNotFoundError:
        return None


def dc_options(datadir, address, services, mapiproxy):
    options = {name: os.path.join(datadir, rel) for name, rel in RUN_PATHS.items()}
    options.update(SYSVOL_VFS)
    options["interfaces"] = interfaces_value(address)
    options["bind interfaces only"] = "yes"
    options["server services"] = ", ".join(services)
    if mapiproxy:
        options["dcerpc endpoint servers"] = "+mapiproxy"
    return options


def make_run_dirs(datadir):
    for rel in RUN_DIRS:
        os.makedirs(os.path.join(datadir, rel), exist_ok=True)


def remove_new_entries(datadir, before):
    for entry in set(os.listdir(datadir)) - before:
        path = os.path.join(datadir, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


def provision(datadir, realm, domain, address, adminpass, hostname=None,
              options=None, services=DEFAULT_SERVICES, mapiproxy=True):
    """Provisions a new AD domain into DATADIR, which must hold nothing of a
    previous provisioning.  OPTIONS (a dict) go into etc/smb.conf after ours,
    so they win.  On failure, removes what it created and raises."""
    realm = check_realm(realm)
    domain = check_netbios_name(domain, "domain")
    hostname = check_netbios_name(hostname or default_hostname(domain), "host name")
    if hostname == domain:
        raise SambaDCError("the host name must differ from the domain (%s)" % domain)
    address = check_address(address)
    datadir = check_datadir(datadir)
    os.makedirs(datadir, mode=0o700, exist_ok=True)
    if os.path.exists(smb_conf_path(datadir)):
        raise SambaDCError("%s already holds a (partial?) provisioning: remove it or "
                           "choose another directory" % datadir)

    all_options = dc_options(datadir, address, services, mapiproxy)
    all_options.update(options or {})
    before = set(os.listdir(datadir))
    argv = [find_program("samba-tool"), "domain", "provision",
            # An empty configuration: otherwise Debian's /etc/samba/smb.conf
            # leaks its settings into the new DC's smb.conf.
            "--configfile=/dev/null",
            "--targetdir=" + datadir, "--realm=" + realm, "--domain=" + domain,
            "--server-role=dc", "--dns-backend=NONE",
            "--adminpass=" + adminpass, "--host-ip=" + address,
            "--host-name=" + hostname.lower()] + option_args(all_options)
    try:
        run_tool(argv, "samba-tool domain provision")
        make_run_dirs(datadir)
        settings = {"realm": realm, "domain": domain, "address": address,
                    "hostname": hostname}
        write_private_file(os.path.join(datadir, PROVISION_MARKER),
                           json.dumps(settings, indent=1) + "\n")
    except BaseException:
        remove_new_entries(datadir, before)
        raise
    return settings


# ---------------------------------------------------------------- Exchange

def provision_exchange(datadir, organization=None, admin_group=None, say=None):
    """openchange_provision on DIR's domain (idempotent): the Exchange
    schema, the organization and openchange.ldb.  Best before samba starts,
    though a running samba picks the schema up too (doc/directory.md)."""
    from openchange import ProvisionError, provision as oc_provision
    from openchange.organization import DEFAULT_ADMIN_GROUP, DEFAULT_ORGANIZATION
    try:
        return oc_provision.provision(configfile=smb_conf_path(datadir),
                                      organization_name=organization or DEFAULT_ORGANIZATION,
                                      admin_group=admin_group or DEFAULT_ADMIN_GROUP, say=say)
    except ProvisionError as error:
        raise SambaDCError("openchange_provision: %s" % error) from None


def mailbox_user(datadir, name, password, given_name=None, surname=None):
    """Creates user NAME unless it exists, and mailbox-enables it (again:
    idempotent).  Returns what openchange_newuser wrote."""
    from openchange import ProvisionError
    from openchange.recipients import Directory
    try:
        directory = Directory(configfile=smb_conf_path(datadir))
        create = directory.find_account(name, "user") is None
        return directory.mailbox_enable(name, create=create, password=password,
                                        given_name=given_name, surname=surname)
    except ProvisionError as error:
        raise SambaDCError("openchange_newuser %s: %s" % (name, error)) from None


# ---------------------------------------------------------------- users

def samba_tool_on_sam(datadir, command, options, operands):
    """sam.ldb directly, not ldap://: works whether or not samba runs, and
    this DC runs no ldap server.  "--" before the operands, or a password
    starting with "-" would be taken for an option."""
    return [find_program("samba-tool"), *command, "-H", sam_ldb_path(datadir),
            "--configfile=" + smb_conf_path(datadir), *options, "--", *operands]


def add_user(datadir, name, password, given_name=None, surname=None):
    options = []
    if given_name:
        options.append("--given-name=" + given_name)
    if surname:
        options.append("--surname=" + surname)
    run_tool(samba_tool_on_sam(datadir, ("user", "add"), options, (name, password)),
             "samba-tool user add %s" % name)


def user_exists(datadir, name):
    result = subprocess.run(samba_tool_on_sam(datadir, ("user", "show"), (), (name,)),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return result.returncode == 0


# ---------------------------------------------------------------- running samba

def start(datadir, options=None, process_model="single", prefix=()):
    """Starts samba in the foreground, logging to DATADIR/log/samba.log.

    samba runs in a session of its own, so stop() can kill all it forks and
    a terminal's Ctrl-C reaches only us.  -i makes samba exit when its stdin
    reaches EOF: stdin is a pipe only we hold, so samba dies with us even if
    we are killed with SIGKILL.  PREFIX: a command samba runs under (a
    memory checker), which must exec samba in the same process."""
    datadir = os.path.abspath(datadir)
    make_run_dirs(datadir)
    argv = list(prefix) + [find_program("samba"), "-i", "-M", process_model,
            "--configfile=" + smb_conf_path(datadir)] + option_args(options or {})
    with open(log_path(datadir), "ab") as log:
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def log_size(datadir):
    try:
        return os.path.getsize(log_path(datadir))
    except FileNotFoundError:
        return 0


def log_tail(datadir, since=0, lines=20):
    """The last LINES lines of the log written after offset SINCE: the log
    is appended to by every run, and only this run's end explains a failure."""
    try:
        with open(log_path(datadir), "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
    except OSError as error:
        return "(no log: %s)\n" % error
    return "\n".join(text.splitlines()[-lines:]) or "(nothing logged)"


def wait_ready(address, timeout=30.0, proc=None):
    """Waits until the endpoint mapper accepts TCP connections; with PROC,
    fails at once if samba exits first."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise SambaDCError("samba exited (status %s) before %s:%d answered"
                               % (proc.returncode, address, EPMAPPER_PORT))
        if port_answers(address):
            return
        if time.monotonic() >= deadline:
            raise SambaDCError("samba did not answer on %s:%d within %.0f s"
                               % (address, EPMAPPER_PORT, timeout))
        time.sleep(0.02)


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _wait_group_gone(pgid, timeout):
    deadline = time.monotonic() + timeout
    while _group_alive(pgid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def stop(proc, grace=STOP_GRACE_SECONDS):
    """SIGTERM to samba's whole process group, SIGKILL after GRACE seconds;
    returns once no process of the group is left.  Returns samba's status."""
    pgid = proc.pid  # start_new_session made samba its group's leader
    if proc.poll() is None or _group_alive(pgid):
        _signal_group(pgid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        if not _wait_group_gone(pgid, max(0.0, grace / 5)):
            _signal_group(pgid, signal.SIGKILL)
        proc.wait()
        if not _wait_group_gone(pgid, grace):
            raise SambaDCError("processes of samba's group %d survived SIGKILL" % pgid)
    if proc.stdin:
        proc.stdin.close()
    return proc.returncode


# ---------------------------------------------------------------- the CLI

def settle_settings(args):
    """Realm, domain and address for this run: what DIR was provisioned
    with, unless the command line asks for something else (an error), or
    the defaults for a new DIR."""
    stored = provisioned_settings(args.datadir)
    if stored is None:
        realm = check_realm(args.realm or DEFAULT_REALM)
        domain = check_netbios_name(args.domain or default_domain(realm), "domain")
        return {"realm": realm, "domain": domain,
                "address": check_address(args.address or DEFAULT_ADDRESS)}, False
    wanted = {"realm": args.realm and args.realm.upper(),
              "domain": args.domain and args.domain.upper(),
              "address": args.address and check_address(args.address)}
    for key, value in wanted.items():
        if value and value != stored[key]:
            raise SambaDCError("%s was provisioned with %s %s, not %s: drop --%s or use "
                               "another --datadir" % (args.datadir, key, stored[key],
                                                      value, key))
    check_address(stored["address"])
    return stored, True


def refuse_foreign_directory(datadir):
    # Provisioning fills DIR with dozens of entries and removes them if it
    # fails: never do that in a directory holding something else.
    leftovers = set(os.listdir(datadir)) - {CREDENTIALS} if os.path.isdir(datadir) else set()
    if leftovers:
        raise SambaDCError("%s is neither empty nor a provisioned DC directory (it holds "
                           "%s): choose another --datadir or empty it"
                           % (datadir, ", ".join(sorted(leftovers)[:5])))


def prepare(datadir, settings, reused):
    """Provisions DIR unless REUSED, extends it for OpenChange and creates
    the demo mailbox user once; returns the credentials."""
    if not reused:
        refuse_foreign_directory(datadir)
    elif not os.path.exists(credentials_path(datadir)):
        # New passwords would not match the ones the domain already has.
        raise SambaDCError("%s is missing, so the domain's passwords are unknown: "
                           "reset them with samba-tool user setpassword, or start "
                           "over in an empty --datadir" % credentials_path(datadir))
    os.makedirs(datadir, mode=0o700, exist_ok=True)
    creds = load_or_create_credentials(datadir)
    if not reused:
        started = time.monotonic()
        print("Provisioning realm %s in %s ..." % (settings["realm"], datadir), flush=True)
        provision(datadir, settings["realm"], settings["domain"], settings["address"],
                  creds["ADMIN_PASSWORD"])
        print("Provisioned in %.1f s." % (time.monotonic() - started), flush=True)
    # Both idempotent: a directory from before the Exchange provisioning
    # existed gets it on its next run.
    provision_exchange(datadir, say=lambda text: print(text, flush=True))
    demo = mailbox_user(datadir, creds["DEMO_USER"], creds["DEMO_PASSWORD"],
                        given_name="Demo", surname="User")
    return dict(creds, DEMO_SMTP=demo["smtp"])


def print_banner(args, settings, creds, proc):
    rows = [
        ("address", "%s (endpoint mapper on TCP port %d)" % (settings["address"],
                                                           EPMAPPER_PORT)),
        ("realm", settings["realm"]),
        ("domain", settings["domain"]),
        ("demo user", "%s  password: %s" % (creds["DEMO_USER"], creds["DEMO_PASSWORD"])),
        ("demo mailbox", creds.get("DEMO_SMTP", "")),
        ("admin user", "%s  password: %s" % (creds["ADMIN_USER"], creds["ADMIN_PASSWORD"])),
        ("log file", log_path(args.datadir)),
        ("credentials", credentials_path(args.datadir)),
    ]
    print("Samba AD DC with OpenChange is running (pid %d):" % proc.pid)
    for label, value in rows:
        print("  %-14s %s" % (label + ":", value))
    print("Press Ctrl-C to stop.", flush=True)


class Stop(Exception):
    """Raised from the signal handlers to leave the foreground wait."""


def _raise_stop(signum, frame):
    raise Stop(signum)


def run_foreground(args):
    # Installed first, so that a signal during provisioning also unwinds
    # through its cleanup (and works when SIGINT was inherited as ignored).
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    args.datadir = check_datadir(args.datadir)
    options = dict(parse_option(text) for text in args.option)
    module = mapiproxy_module_path()
    if not os.path.exists(module):
        # samba would start, log the failure and never open port 135.
        raise SambaDCError("%s is not installed: build and install it first "
                           "(setup/build --install)" % module)
    settings, reused = settle_settings(args)
    if port_answers(settings["address"]):
        raise SambaDCError("something already listens on %s:%d (another samba?)"
                           % (settings["address"], EPMAPPER_PORT))
    creds = prepare(args.datadir, settings, reused)
    log_start = log_size(args.datadir)
    proc = None
    requested = False
    try:
        proc = start(args.datadir, options)
        try:
            wait_ready(settings["address"], args.timeout, proc)
        except SambaDCError as error:
            raise SambaDCError("%s\n--- end of %s ---\n%s" % (
                error, log_path(args.datadir), log_tail(args.datadir, log_start))) from None
        print_banner(args, settings, creds, proc)
        status = proc.wait()
        raise SambaDCError("samba exited unexpectedly (status %d)\n--- end of %s ---\n%s"
                           % (status, log_path(args.datadir), log_tail(args.datadir, log_start)))
    except Stop as stop_signal:
        print("\nStopping samba (%s) ..." % signal.Signals(stop_signal.args[0]).name,
              flush=True)
        requested = True
        return 0
    finally:
        # A second Ctrl-C must not interrupt the cleanup.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if proc is not None:
            stop(proc)
        if requested:
            print("samba stopped.", flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="samba_dc.py", description="Run a Samba AD DC living in one directory.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="provision DIR once, then run samba in the foreground")
    run.add_argument("--datadir", required=True, help="where the DC keeps everything")
    run.add_argument("--realm", help="DNS realm (default %s, or DIR's)" % DEFAULT_REALM)
    run.add_argument("--domain", help="NetBIOS domain (default: the realm's first label)")
    run.add_argument("--address", help="IPv4 address to listen on (default %s, or DIR's)"
                     % DEFAULT_ADDRESS)
    run.add_argument("--option", action="append", default=[], metavar="'NAME = VALUE'",
                     help="smb.conf option for this run (repeatable)")
    run.add_argument("--timeout", type=float, default=30.0,
                     help="seconds to wait for port 135 (default 30)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if os.geteuid() != 0:
        print("samba_dc.py: run as root (samba binds port 135)", file=sys.stderr)
        return 1
    try:
        return run_foreground(args)
    except (SambaDCError, OSError) as error:
        print("samba_dc.py: %s" % error, file=sys.stderr)
        return 1
    except (Stop, KeyboardInterrupt):
        print("samba_dc.py: interrupted", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
