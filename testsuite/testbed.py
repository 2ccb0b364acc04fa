#!/usr/bin/python3
"""A throwaway Samba AD DC for integration tests.

As a library:

    with TestBed(module="build/mapiproxy/.libs/mapiproxy.so") as bed:
        password = bed.add_user("alice")
        alice = bed.add_mailbox_user("alice2", display_name="Алиса")
        entries = bed.populate_address_book(n_users=40)
        ... talk to bed.address (endpoint mapper on port 135) ...

The bed is extended for OpenChange (Exchange schema, organization,
openchange.ldb: setup/openchange_provision) before samba starts, unless
exchange=False (--no-exchange).

As a command, which passes the DC's facts to COMMAND as OC_TESTBED_*
variables and exits with COMMAND's status:

    /usr/bin/python3 testsuite/testbed.py [--module PATH] [--users N] [--keep] \\
        [--model prefork] [--no-exchange] -- COMMAND ARGS...

Each bed lives in a new directory under $TMPDIR on an address 127.0.0.x of
its own, and is torn down (samba stopped, directory removed) however the
bed ends: normally, by an exception, SIGINT, SIGTERM or interpreter exit.
OC_TESTBED_KEEP=1 (or keep=True, --keep) keeps the directory for debugging.
"""
import argparse
import atexit
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "setup"))

import samba_dc  # noqa: E402
from openchange.organization import DEFAULT_ADMIN_GROUP, DEFAULT_ORGANIZATION  # noqa: E402

REALM = "OCTEST.TEST"
DOMAIN = "OCTEST"
ADDRESS_HOSTS = range(20, 251)
USER_PREFIX = "testuser"
ENV_PREFIX = "OC_TESTBED_"


class TestBedError(Exception):
    pass


class TestBedInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM reached the bed.  A KeyboardInterrupt, because
    unittest records any other exception as a test error and carries on,
    while this one must unwind through the bed's cleanup at once."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def note(text):
    print("testbed: " + text, file=sys.stderr, flush=True)


def install_module(path):
    """Copies the module where samba dlopens it.  Through a rename, so a
    samba still running with the old file keeps a consistent mapping and
    no samba ever loads a half-written file."""
    if not os.path.isfile(path):
        raise TestBedError("module %s does not exist (build it first)" % path)
    target = samba_dc.mapiproxy_module_path()
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    tmp = "%s.tmp.%d" % (target, os.getpid())
    try:
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o644)
        os.rename(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def reserve_address():
    """Picks 127.0.0.x with nothing on port 135 and holds it for this
    process: an abstract Unix socket named after the address is the lock,
    so concurrent beds never pick the same one and a dead process leaves
    no stale lock behind."""
    hosts = list(ADDRESS_HOSTS)
    random.shuffle(hosts)
    for host in hosts:
        address = "127.0.0.%d" % host
        lock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            lock.bind("\0openchange-testbed-" + address)
        except OSError:
            lock.close()
            continue
        if samba_dc.port_answers(address):
            lock.close()
            continue
        return address, lock
    raise TestBedError("no free address in 127.0.0.%d-%d (something listens on port 135 "
                       "everywhere?)" % (ADDRESS_HOSTS[0], ADDRESS_HOSTS[-1]))


def add_user(name, password=None, given_name=None, surname=None, environ=None):
    """Creates a user in the bed this process runs in (OC_TESTBED_DIR),
    for tests started by the command line; returns the password."""
    environ = os.environ if environ is None else environ
    datadir = environ.get(ENV_PREFIX + "DIR")
    if not datadir:
        raise TestBedError(ENV_PREFIX + "DIR is not set: not inside a test bed")
    password = password or samba_dc.generate_password()
    samba_dc.add_user(datadir, name, password, given_name, surname)
    return password


def add_mailbox_user(name, password=None, given_name=None, surname=None, environ=None):
    """Creates (if needed) and mailbox-enables a user in the bed this
    process runs in; returns what was written (see TestBed.add_mailbox_user)."""
    environ = os.environ if environ is None else environ
    datadir = environ.get(ENV_PREFIX + "DIR")
    if not datadir:
        raise TestBedError(ENV_PREFIX + "DIR is not set: not inside a test bed")
    password = password or samba_dc.generate_password()
    result = samba_dc.mailbox_user(datadir, name, password, given_name, surname)
    result.setdefault("password", password)
    return result


def move_mailbox_away(name, server, address, environ=None):
    """Makes user NAME's mailbox one that another server of the organization
    hosts, as a mailbox move would leave it: server SERVER (an
    msExchExchangeServer next to this one, created if needed, its
    networkAddress ncacn_ip_tcp:ADDRESS so RFR gives ADDRESS as its FQDN)
    becomes the user's msExchHomeServerName, and this server's
    openchange.ldb forgets the mailbox.  Returns SERVER's legacyExchangeDN."""
    import ldb
    from openchange.recipients import Directory
    environ = os.environ if environ is None else environ
    datadir = environ.get(ENV_PREFIX + "DIR")
    if not datadir:
        raise TestBedError(ENV_PREFIX + "DIR is not set: not inside a test bed")
    samdb = Directory(configfile=samba_dc.smb_conf_path(datadir)).samdb
    this = ldb.Dn(samdb, environ[ENV_PREFIX + "SERVER_DN"])
    this_legacy = environ[ENV_PREFIX + "SERVER_LEGACY_DN"]
    legacy = this_legacy[:this_legacy.rindex("/cn=") + 4] + server
    dn = this.parent()
    dn.add_child("CN=%s" % server)
    if not _exists(samdb, dn):
        (template,) = samdb.search(base=this, scope=ldb.SCOPE_BASE, attrs=["objectClass"])
        msg = ldb.Message(dn)
        msg["objectClass"] = ldb.MessageElement([str(v) for v in template["objectClass"]],
                                                ldb.FLAG_MOD_ADD, "objectClass")
        msg["legacyExchangeDN"] = ldb.MessageElement(legacy, ldb.FLAG_MOD_ADD, "legacyExchangeDN")
        msg["networkAddress"] = ldb.MessageElement("ncacn_ip_tcp:%s" % address, ldb.FLAG_MOD_ADD,
                                                   "networkAddress")
        samdb.add(msg)
    (user,) = samdb.search(base=samdb.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                           expression="(sAMAccountName=%s)" % ldb.binary_encode(name),
                           attrs=["legacyExchangeDN"])
    change = ldb.Message(user.dn)
    change["msExchHomeServerName"] = ldb.MessageElement(legacy, ldb.FLAG_MOD_REPLACE,
                                                        "msExchHomeServerName")
    samdb.modify(change)
    ocdb = ldb.Ldb(environ[ENV_PREFIX + "OPENCHANGE_LDB"])
    for record in ocdb.search(expression="(&(objectClass=mailbox)(legacyExchangeDN=%s))"
                              % ldb.binary_encode(str(user["legacyExchangeDN"])), attrs=[]):
        ocdb.delete(record.dn)
    return legacy


def _exists(samdb, dn):
    import ldb
    try:
        samdb.search(base=dn, scope=ldb.SCOPE_BASE, attrs=[])
        return True
    except ldb.LdbError:
        return False


# Display names for populate_address_book(): several scripts, so that the
# address book's sorting, ANR and UTF-16 conversion meet more than ASCII.
SAMPLE_NAMES = (
    ("Ana", "García"), ("Zoë", "Dupré"), ("Jürgen", "Müller"), ("Björk", "Guðmundsdóttir"),
    ("František", "Dvořák"), ("Łukasz", "Żółkiewski"), ("Иван", "Петров"),
    ("Мария", "Смирнова"), ("Γιώργος", "Παπαδόπουλος"), ("Ελένη", "Νικολάου"),
    ("太郎", "山田"), ("花子", "佐藤"), ("John", "Smith"), ("Mary", "O'Neil"),
    ("Ömer", "Yılmaz"), ("Siobhán", "Ní Bhriain"),
)
SAMPLE_GROUPS = ("Sales", "Équipe Support", "Разработка", "Ομάδα Έργου", "営業部", "Board")
SAMPLE_CONTACTS = (("Pierre", "Lefèvre", "example.fr"), ("Ольга", "Иванова", "example.ru"),
                   ("Νίκος", "Κωνσταντίνου", "example.gr"), ("一郎", "鈴木", "example.jp"),
                   ("Lars", "Østergård", "example.dk"), ("Carlos", "Peña", "example.es"))


class TestBed:
    """A provisioned and running DC; see the module's docstring."""

    admin_user = samba_dc.ADMIN_USER

    def __init__(self, module=None, keep=None, options=None, realm=REALM, domain=DOMAIN,
                 process_model="single", mapiproxy=None, timeout=30.0, exchange=True,
                 organization=DEFAULT_ORGANIZATION, admin_group=DEFAULT_ADMIN_GROUP,
                 server_prefix=(), stop_grace=samba_dc.STOP_GRACE_SECONDS):
        """MODULE: a built mapiproxy.so to install first.  MAPIPROXY: enable
        it in smb.conf; None means "if a mapiproxy.so is installed", so the
        bed also runs before the module exists.  OPTIONS: extra smb.conf
        settings, e.g. {"mapiproxy:port": "5000"}.  EXCHANGE: run
        openchange_provision (ORGANIZATION, ADMIN_GROUP) before samba starts.
        SERVER_PREFIX: a command samba runs under, e.g. valgrind; STOP_GRACE:
        how long samba may take to exit on SIGTERM (valgrind's leak check
        runs then)."""
        self.module = module
        self.keep = keep if keep is not None else os.environ.get("OC_TESTBED_KEEP") == "1"
        self.options = dict(options or {})
        self.realm, self.domain = realm.upper(), domain.upper()
        self.process_model = process_model
        self.mapiproxy = mapiproxy
        self.timeout = timeout
        self.exchange = exchange
        self.organization = organization
        self.admin_group = admin_group
        self.server_prefix = tuple(server_prefix)
        self.stop_grace = stop_grace
        self.layout = None
        self._directory = None
        self.admin_password = samba_dc.generate_password()
        self.address = self.dir = self.smb_conf = self.log_file = None
        self.timings = {}
        self._proc = None
        self._address_lock = None
        self._saved_handlers = {}
        self._closed = False

    # ------------------------------------------------------------ lifecycle

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc_info):
        self.close()
        return False

    def start(self):
        atexit.register(self.close)
        self._install_signal_handlers()
        if self.module:
            note("installed %s" % install_module(self.module))
        if self.mapiproxy is None:
            self.mapiproxy = os.path.exists(samba_dc.mapiproxy_module_path())
            if not self.mapiproxy:
                note("no mapiproxy.so installed: running a plain DC")
        self.address, self._address_lock = reserve_address()
        self.dir = tempfile.mkdtemp(prefix="oc-testbed-")
        self.smb_conf = samba_dc.smb_conf_path(self.dir)
        self.log_file = samba_dc.log_path(self.dir)
        self._provision()
        self._start_samba()
        return self

    def _provision(self):
        started = time.monotonic()
        samba_dc.provision(self.dir, self.realm, self.domain, self.address,
                           self.admin_password, options=self.options,
                           mapiproxy=self.mapiproxy)
        self.timings["provision"] = time.monotonic() - started
        note("provisioned %s in %.1f s" % (self.realm, self.timings["provision"]))
        if self.exchange:
            started = time.monotonic()
            result = samba_dc.provision_exchange(self.dir, self.organization,
                                                 self.admin_group)
            self.layout = result["layout"]
            self.timings["exchange"] = time.monotonic() - started
            note("provisioned organization %r in %.1f s (schema %.1f s)"
                 % (self.organization, self.timings["exchange"], result["schema_seconds"]))

    def _start_samba(self):
        started = time.monotonic()
        log_start = samba_dc.log_size(self.dir)
        self._proc = samba_dc.start(self.dir, process_model=self.process_model,
                                    prefix=self.server_prefix)
        try:
            samba_dc.wait_ready(self.address, self.timeout, self._proc)
        except samba_dc.SambaDCError as error:
            raise TestBedError("%s\n--- end of %s ---\n%s" % (
                error, self.log_file, samba_dc.log_tail(self.dir, log_start))) from None
        self.timings["start"] = time.monotonic() - started
        note("samba ready on %s:135 in %.2f s (log: %s)"
             % (self.address, self.timings["start"], self.log_file))

    def close(self):
        """Stops samba and removes the directory; safe to call repeatedly
        and from any state of start()."""
        if self._closed:
            return
        self._closed = True
        self._directory = None
        self._ignore_signals()
        try:
            self._stop_samba()
        finally:
            self._remove_dir()
            if self._address_lock is not None:
                self._address_lock.close()
            self._restore_signal_handlers()
            atexit.unregister(self.close)

    def _stop_samba(self):
        if self._proc is None:
            return
        started = time.monotonic()
        samba_dc.stop(self._proc, self.stop_grace)
        self.timings["stop"] = time.monotonic() - started
        note("samba stopped in %.2f s" % self.timings["stop"])

    def _remove_dir(self):
        if self.dir is None:
            return
        if self.keep:
            note("kept %s; log %s; to run its DC again: samba -i -M single -s %s"
                 % (self.dir, self.log_file, self.smb_conf))
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # ------------------------------------------------------------ signals

    def _install_signal_handlers(self):
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may; atexit and __exit__ still clean up
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._saved_handlers[signum] = signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, frame):
        raise TestBedInterrupted(signum)

    def _ignore_signals(self):
        # A second Ctrl-C during teardown would leave samba or the directory.
        for signum in self._saved_handlers:
            signal.signal(signum, signal.SIG_IGN)

    def _restore_signal_handlers(self):
        for signum, handler in self._saved_handlers.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._saved_handlers = {}

    # ------------------------------------------------------------ use

    def add_user(self, name, password=None, given_name=None, surname=None):
        """Creates an AD user while samba runs; returns its password."""
        return add_user(name, password, given_name, surname,
                        environ={ENV_PREFIX + "DIR": self.dir})

    def directory(self):
        """One openchange.recipients.Directory (sam.ldb and openchange.ldb
        connections) for all the helpers below."""
        if not self.exchange:
            raise TestBedError("this bed was started with exchange=False")
        if self._directory is None:
            from openchange.recipients import Directory
            self._directory = Directory(configfile=self.smb_conf)
        return self._directory

    def add_mailbox_user(self, name, display_name=None, password=None, given_name=None,
                         surname=None, mail=None):
        """Creates user NAME (unless it exists) and mailbox-enables it, as
        openchange_newuser does; returns a dict of what was written, with
        "password" (the new user's), "smtp", "legacyExchangeDN",
        "mailboxGUID", "dn"."""
        password = password or samba_dc.generate_password()
        directory = self.directory()
        create = directory.find_account(name, "user") is None
        result = directory.mailbox_enable(name, create=create, password=password,
                                          display_name=display_name, given_name=given_name,
                                          surname=surname, mail=mail)
        result.setdefault("password", password)
        return result

    def add_group(self, name, display_name=None, mail=None, members=()):
        """Creates group NAME (unless it exists), mail-enables it and adds
        MEMBERS (account names); returns what was written."""
        directory = self.directory()
        create = directory.find_account(name, "group") is None
        result = directory.mail_enable_group(name, create=create, mail=mail,
                                             display_name=display_name)
        if members:
            directory.samdb.add_remove_group_members(name, list(members),
                                                     add_members_operation=True)
        return result

    def add_contact(self, name, mail, display_name=None, ou=None):
        """Creates a mail contact CN=NAME with external address MAIL."""
        return self.directory().add_contact(name, mail, display_name=display_name, parent=ou)

    def populate_address_book(self, n_users=30, n_groups=6, n_contacts=6, prefix="ab",
                              password=None):
        """Fills the address book with N_USERS mailbox users, N_GROUPS
        groups and N_CONTACTS contacts whose display names cycle through
        Latin, accented Latin, Cyrillic, Greek and Japanese samples.  All in
        this process over one connection.  Returns a list of dicts
        (kind "user", "group" or "contact", name, display_name, smtp,
        legacyExchangeDN, dn; users also password)."""
        started = time.monotonic()
        directory = self.directory()
        password = password or samba_dc.generate_password()
        entries = []
        for i in range(n_users):
            given, surname = SAMPLE_NAMES[i % len(SAMPLE_NAMES)]
            name = "%su%03d" % (prefix, i)
            display = "%s %s %d" % (given, surname, i) if i >= len(SAMPLE_NAMES) \
                else "%s %s" % (given, surname)
            done = directory.mailbox_enable(name, create=True, password=password,
                                            display_name=display, given_name=given,
                                            surname=surname)
            entries.append({"kind": "user", "name": name, "display_name": display,
                            "password": password, "smtp": done["smtp"],
                            "legacyExchangeDN": done["legacyExchangeDN"], "dn": done["dn"]})
        for i in range(n_groups):
            label = SAMPLE_GROUPS[i % len(SAMPLE_GROUPS)]
            display = label if i < len(SAMPLE_GROUPS) else "%s %d" % (label, i)
            name = "%sg%03d" % (prefix, i)
            done = directory.mail_enable_group(name, create=True, display_name=display)
            entries.append({"kind": "group", "name": name, "display_name": display,
                            "smtp": done["smtp"], "legacyExchangeDN": done["legacyExchangeDN"],
                            "dn": done["dn"]})
        for i in range(n_contacts):
            given, surname, domain = SAMPLE_CONTACTS[i % len(SAMPLE_CONTACTS)]
            display = "%s %s" % (given, surname) if i < len(SAMPLE_CONTACTS) \
                else "%s %s %d" % (given, surname, i)
            name = "%s (%s%03d)" % (display, prefix, i)
            mail = "%sc%03d@%s" % (prefix, i, domain)
            done = directory.add_contact(name, mail, display_name=display)
            entries.append({"kind": "contact", "name": name, "display_name": display,
                            "smtp": done["smtp"], "legacyExchangeDN": done["legacyExchangeDN"],
                            "dn": done["dn"]})
        self.timings["populate"] = time.monotonic() - started
        note("address book: %d users, %d groups, %d contacts in %.1f s"
             % (n_users, n_groups, n_contacts, self.timings["populate"]))
        return entries

    def samba_pid(self):
        """The samba process (with -M single, the one that runs mapiproxy)."""
        return self._proc.pid if self._proc is not None else None

    def crash_and_restart(self):
        """SIGKILL to samba's whole process group, as a power cut would stop
        it (nothing flushed, no destructor run), then samba started again
        on the same directory; returns once it answers."""
        pgid = self._proc.pid
        samba_dc._signal_group(pgid, signal.SIGKILL)
        self._proc.wait()
        if not samba_dc._wait_group_gone(pgid, 10.0):
            raise TestBedError("processes of samba's group %d survived SIGKILL" % pgid)
        if self._proc.stdin:
            self._proc.stdin.close()
        note("samba killed (SIGKILL)")
        self._start_samba()

    def environment(self):
        """The OC_TESTBED_* variables describing this bed."""
        values = {"ADDRESS": self.address, "REALM": self.realm, "DOMAIN": self.domain,
                  "ADMIN_USER": self.admin_user, "ADMIN_PASSWORD": self.admin_password,
                  "DIR": self.dir, "LOG": self.log_file, "SMB_CONF": self.smb_conf,
                  "EXCHANGE": "1" if self.exchange else "0"}
        if self.exchange and self.layout is not None:
            layout = self.layout
            values.update({
                "ORGANIZATION": layout.organization,
                "ADMIN_GROUP": layout.admin_group,
                "SERVER_NAME": layout.server_name,
                "SERVER_DN": layout.server,
                "SERVER_LEGACY_DN": layout.server_legacy_dn,
                "MDB_DN": layout.mdb,
                "GAL_DN": layout.gal,
                "ADDRESS_LISTS_DN": layout.all_address_lists,
                "MAIL_DOMAIN": self.realm.lower(),
                "OPENCHANGE_LDB": os.path.join(self.dir, "private", "openchange.ldb"),
            })
        return {ENV_PREFIX + key: value for key, value in values.items()}


# ---------------------------------------------------------------- the CLI

def run_command(command, environment):
    """Runs COMMAND to its end; if the bed is interrupted meanwhile, stops
    it first so it does not outlive the DC it talks to."""
    try:
        child = subprocess.Popen(command, env=environment)
    except OSError as error:
        note("cannot run %s: %s" % (command[0], error))
        return 127
    try:
        status = child.wait()
    except TestBedInterrupted:
        child.terminate()
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise
    return status if status >= 0 else 128 - status


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="testbed.py", usage="%(prog)s [--module PATH] [--users N] [--keep] "
        "[--model MODEL] [--no-exchange] -- COMMAND [ARGS...]", description="Run COMMAND against a throwaway Samba AD DC.")
    parser.add_argument("--module", help="a built mapiproxy.so to install first")
    parser.add_argument("--users", type=int, default=0, metavar="N",
                        help="also create N users, passed as OC_TESTBED_USERS="
                        "'name:password ...'")
    parser.add_argument("--model", choices=("single", "prefork"), default="single",
                        help="samba's process model (default single)")
    parser.add_argument("--no-exchange", dest="exchange", action="store_false",
                        help="do not run openchange_provision (a plain AD DC)")
    parser.add_argument("--keep", action="store_true", default=None,
                        help="keep the directory afterwards (or OC_TESTBED_KEEP=1)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        parser.error("no COMMAND given (put it after --)")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    try:
        with TestBed(module=args.module, keep=args.keep, process_model=args.model,
                     exchange=args.exchange) as bed:
            environment = dict(os.environ, **bed.environment())
            users = ["%s%d" % (USER_PREFIX, i) for i in range(1, args.users + 1)]
            # With the organization, the users get mailboxes too.
            add = (lambda name: bed.add_mailbox_user(name)["password"]) if args.exchange \
                else bed.add_user
            environment[ENV_PREFIX + "USERS"] = " ".join(
                "%s:%s" % (name, add(name)) for name in users)
            status = run_command(args.command, environment)
    except TestBedInterrupted as interrupted:
        note("interrupted by %s" % signal.Signals(interrupted.signum).name)
        return 128 + interrupted.signum
    except (TestBedError, samba_dc.SambaDCError, OSError) as error:
        note("failed: %s" % error)
        return 1
    note("whole run %.1f s (provision %.1f s, organization %.1f s, start %.2f s, stop %.2f s)"
         % (time.monotonic() - started, bed.timings.get("provision", 0),
            bed.timings.get("exchange", 0), bed.timings.get("start", 0),
            bed.timings.get("stop", 0)))
    return status


if __name__ == "__main__":
    sys.exit(main())
