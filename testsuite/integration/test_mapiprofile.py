"""utils/mapiprofile run as a user runs it, against the test bed's DC.

Profiles are created over NSPI and RFR for mailbox users made with the test
bed's helpers; what --dump shows is compared with what the directory holds,
read straight from sam.ldb (legacyExchangeDN, mail, msExchHomeServerName,
the homeMDB object's legacyExchangeDN), never with what the tool wrote.
"""
import os
import stat
import subprocess
import sys
import tempfile
import unittest

from oc_testbed_env import TestBedEnv

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import ldb  # noqa: E402
from samba import param  # noqa: E402
from samba.auth import system_session  # noqa: E402
from samba.samdb import SamDB  # noqa: E402


def built_tool(name):
    """utils/NAME in the build tree; skips the class when it is not built."""
    build = os.environ.get("OC_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
    program = os.path.join(build, "utils", name)
    if not os.access(program, os.X_OK):
        raise unittest.SkipTest("%s is not built" % program)
    return program


def fields(text):
    """'key: value' lines as a dict"""
    result = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            result[key] = value
    return result


class MapiProfileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.program = built_tool("mapiprofile")
        cls.users = {}
        for name, given, surname in (("mprof1", "Paula", "Profiler"),
                                     ("mprof2", "Ödön", "Névjegy"),
                                     ("mprof3", "Twinprof", "Alpha"),
                                     ("mprof4", "Twinprof", "Beta")):
            cls.users[name] = testbed.add_mailbox_user(name, given_name=given, surname=surname)

        lp = param.LoadParm()
        lp.load(cls.bed.smb_conf)
        cls.fqdn = ("%s.%s" % (lp.get("netbios name"), lp.get("realm"))).lower()
        samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
        cls.directory = {}
        for name in cls.users:
            (msg,) = samdb.search(base=samdb.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                                  expression="(sAMAccountName=%s)" % ldb.binary_encode(name),
                                  attrs=["legacyExchangeDN", "mail", "displayName",
                                         "msExchHomeServerName", "homeMDB"])
            (mdb,) = samdb.search(base=str(msg["homeMDB"]), scope=ldb.SCOPE_BASE,
                                  attrs=["legacyExchangeDN"])
            cls.directory[name] = {
                "essdn": str(msg["legacyExchangeDN"]),
                "smtp": str(msg["mail"]),
                "display_name": str(msg["displayName"]),
                "home_server": str(msg["msExchHomeServerName"]),
                "home_mdb": str(mdb["legacyExchangeDN"]),
            }

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="test_mapiprofile.")
        self.addCleanup(self.tmp.cleanup)
        self.store = os.path.join(self.tmp.name, "profiles.ldb")

    def run_tool(self, *args, expect_status=0, stdin=None, env=None):
        command = [self.program, "--profile-file", self.store] + list(args)
        done = subprocess.run(command, capture_output=True, timeout=60,
                              input=stdin.encode() if stdin is not None else None,
                              env=dict(os.environ, **(env or {})))
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
        self.assertEqual(done.returncode, expect_status,
                         "mapiprofile %s\nstdout: %s\nstderr: %s" % (" ".join(args), out, err))
        # a crash is never an acceptable failure
        self.assertGreaterEqual(done.returncode, 0, err)
        if expect_status != 0:
            self.assertTrue(err.startswith("mapiprofile: "), err)
        return out, err

    def create(self, profile, user, *extra, password=None, expect_status=0):
        password = password if password is not None else self.users[user]["password"]
        return self.run_tool("--create", "-P", profile, "-u", user, "-p", password,
                             "-d", self.bed.domain, "-I", self.bed.address, *extra,
                             expect_status=expect_status)

    def admin_args(self):
        return ["-u", self.bed.admin_user, "-p", self.bed.admin_password,
                "-d", self.bed.domain, "-I", self.bed.address]

    def test_create_records_what_the_server_says(self):
        self.create("work", "mprof1")
        expected = self.directory["mprof1"]
        out, _ = self.run_tool("--dump", "-P", "work")
        dump = fields(out)
        self.assertEqual(dump["name"], "work")
        self.assertEqual(dump["username"], "mprof1")
        self.assertEqual(dump["domain"], self.bed.domain)
        self.assertEqual(dump["essdn"], expected["essdn"])
        self.assertEqual(dump["smtp_address"].lower(), expected["smtp"].lower())
        self.assertEqual(dump["display_name"], "Paula Profiler")
        self.assertEqual(dump["display_name"], expected["display_name"])
        self.assertEqual(dump["home_server"].lower(), expected["home_server"].lower())
        self.assertEqual(dump["home_mdb"].lower(), expected["home_mdb"].lower())
        self.assertEqual(dump["server_fqdn"].lower(), self.fqdn)
        self.assertEqual(dump["server"], self.bed.address)
        self.assertIn(self.bed.address, dump["binding"])
        self.assertEqual(dump["codepage"], "1252")
        self.assertEqual(dump["locale_id"], "0x0409")
        self.assertEqual(dump["password"], "not stored")
        self.assertEqual(dump["default"], "yes")
        # the password never reaches the file without --store-password
        with open(self.store, "rb") as f:
            self.assertNotIn(self.users["mprof1"]["password"].encode(), f.read())
        self.assertEqual(stat.S_IMODE(os.stat(self.store).st_mode), 0o600)

        out, _ = self.run_tool("--list")
        self.assertEqual(out.splitlines(), ["work (default)"])

        self.run_tool("--delete", "-P", "work")
        _, err = self.run_tool("--dump", "-P", "work", expect_status=1)
        self.assertIn("no profile named 'work'", err)
        out, _ = self.run_tool("--list")
        self.assertEqual(out, "")

    def test_non_latin_user_and_locale(self):
        self.create("Ödön Work", "mprof2", "--codepage", "1250", "--locale", "0x040e")
        # names compare without (ASCII) case
        dump = fields(self.run_tool("--dump", "-P", "Ödön WORK")[0])
        self.assertEqual(dump["name"], "Ödön Work")
        self.assertEqual(dump["display_name"], self.directory["mprof2"]["display_name"])
        self.assertEqual(dump["essdn"], self.directory["mprof2"]["essdn"])
        self.assertEqual(dump["codepage"], "1250")
        self.assertEqual(dump["locale_id"], "0x040e")

    def test_resolve_with_stored_password_profile(self):
        self.create("stored", "mprof1", "--store-password")
        dump = fields(self.run_tool("--dump", "-P", "stored")[0])
        self.assertEqual(dump["password"], "stored")
        # -P omitted: the default profile, and its stored password
        out, _ = self.run_tool("--resolve", "mprof2")
        entry = fields(out)
        self.assertEqual(entry["essdn"], self.directory["mprof2"]["essdn"])
        self.assertEqual(entry["smtp_address"].lower(), self.directory["mprof2"]["smtp"].lower())
        self.assertEqual(entry["display_name"], self.directory["mprof2"]["display_name"])

    def test_resolve_with_profile_without_password(self):
        self.create("nopw", "mprof1")
        _, err = self.run_tool("--resolve", "mprof2", "-P", "nopw", expect_status=1)
        self.assertIn("keeps no password", err)
        out, _ = self.run_tool("--resolve", "mprof2", "-P", "nopw", "-p", "-",
                               stdin=self.users["mprof1"]["password"] + "\n")
        self.assertEqual(fields(out)["essdn"], self.directory["mprof2"]["essdn"])

    def test_resolve_with_direct_credentials(self):
        out, _ = self.run_tool("--resolve", "Paula Profiler", *self.admin_args())
        entry = fields(out)
        self.assertEqual(entry["essdn"], self.directory["mprof1"]["essdn"])
        self.assertEqual(entry["account"], "mprof1")
        self.assertEqual(entry["home_mdb"].lower(), self.directory["mprof1"]["home_mdb"].lower())

    def test_resolve_ambiguous_and_unknown_names(self):
        _, err = self.run_tool("--resolve", "Twinprof", *self.admin_args(), expect_status=1)
        self.assertIn("MAPI_E_AMBIGUOUS_RECIP", err)
        self.assertIn("several", err)
        _, err = self.run_tool("--resolve", "nobody-by-this-name-here", *self.admin_args(),
                               expect_status=1)
        self.assertIn("MAPI_E_NOT_FOUND", err)
        self.assertIn("not in the address book", err)

    def test_create_with_ambiguous_name_saves_nothing(self):
        _, err = self.create("twin", "mprof3", "-N", "Twinprof", expect_status=1)
        self.assertIn("MAPI_E_AMBIGUOUS_RECIP", err)
        self.assertEqual(self.run_tool("--list")[0], "")
        # the precise name works
        self.create("twin", "mprof3", "-N", "Twinprof Alpha")
        dump = fields(self.run_tool("--dump", "-P", "twin")[0])
        self.assertEqual(dump["essdn"], self.directory["mprof3"]["essdn"])

    def test_wrong_password(self):
        _, err = self.create("bad", "mprof1", password="not-" + self.users["mprof1"]["password"],
                             expect_status=1)
        self.assertIn("logon refused", err)
        self.assertIn("MAPI_E_LOGON_FAILED", err)
        self.assertEqual(self.run_tool("--list")[0], "")

    def test_user_without_mailbox(self):
        # the domain's administrator has no mailbox, so no address book entry
        _, err = self.run_tool("--create", "-P", "admin", *self.admin_args(), expect_status=1)
        self.assertIn("MAPI_E_NOT_FOUND", err)
        self.assertEqual(self.run_tool("--list")[0], "")

    def test_server_unreachable(self):
        # nothing listens on this loopback address
        _, err = self.run_tool("--create", "-P", "x", "-u", "mprof1", "-p", "x",
                               "-I", "127.0.0.254", expect_status=1)
        self.assertIn("cannot reach", err)
        self.assertIn("MAPI_E_NETWORK_ERROR", err)

    def test_unknown_profile(self):
        for command in (["--dump"], ["--delete"], ["--default"], ["--resolve", "mprof1"]):
            with self.subTest(command=command[0]):
                _, err = self.run_tool(*command, "-P", "nosuchprofile", expect_status=1)
                self.assertIn("no profile named 'nosuchprofile'", err)
        _, err = self.run_tool("--default", expect_status=1)
        self.assertIn("no default profile", err)

    def test_duplicate_and_default(self):
        self.create("first", "mprof1")
        _, err = self.create("FIRST", "mprof2", expect_status=1)
        self.assertIn("already exists", err)
        self.create("second", "mprof2")
        self.assertEqual(self.run_tool("--default")[0], "first\n")
        self.run_tool("--default", "-P", "second")
        self.assertEqual(self.run_tool("--default")[0], "second\n")
        self.assertEqual(self.run_tool("--list")[0].splitlines(), ["first", "second (default)"])
        self.assertEqual(fields(self.run_tool("--dump", "-P", "first")[0])["default"], "no")
        self.run_tool("--delete", "-P", "second")
        _, err = self.run_tool("--default", expect_status=1)
        self.assertIn("no default profile", err)

    def krb5_conf(self, name, kdc):
        """A krb5.conf naming KDC for the bed's realm, nothing from DNS."""
        realm = os.environ["OC_TESTBED_REALM"]
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write("[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_realm = false\n"
                    "\tdns_lookup_kdc = false\n[realms]\n%s = {\n\tkdc = %s\n}\n"
                    % (realm, realm, kdc))
        return {"KRB5_CONFIG": path}

    def test_kerberos(self):
        """--create --kerberos logs on with a ticket from the bed's KDC for the DC's DNS
        name (the binding's target_hostname: the DC has no DNS entry here), keeps the choice
        in the profile, and the profile logs on again with it (libmapi's MapiLogonEx).  The
        same commands with the KDC unreachable fail: no silent fallback to NTLM."""
        realm = os.environ["OC_TESTBED_REALM"]
        good = self.krb5_conf("krb5.conf", self.bed.address)
        dead = self.krb5_conf("krb5-dead.conf", "127.0.0.1:9")
        binding = "ncacn_ip_tcp:%s[seal,target_hostname=%s]" % (self.bed.address, self.fqdn)
        user = self.users["mprof1"]
        args = ["--create", "-P", "krb", "-u", "mprof1", "-p", user["password"],
                "-d", self.bed.domain, "-r", realm, "--kerberos", "--binding", binding]
        _, err = self.run_tool(*args, env=dead, expect_status=1)
        self.assertIn("Kerberos: no KDC of realm %s answered" % realm, err)
        self.assertEqual(self.run_tool("--list")[0], "")
        self.run_tool(*args, env=good)
        dump = fields(self.run_tool("--dump", "-P", "krb")[0])
        self.assertEqual(dump["auth"], "kerberos")
        self.assertEqual(dump["realm"], realm)
        self.assertEqual(dump["essdn"], self.directory["mprof1"]["essdn"])
        self.assertIn("target_hostname=" + self.fqdn, dump["binding"])

        check = TestBedEnv.built_program("libmapi_check")
        for env, expect in ((good, 0), (dead, 1)):
            done = subprocess.run([check, "--profile-file", self.store, "--profile", "krb",
                                   "--password", user["password"], "logon"],
                                  capture_output=True, timeout=60, env=dict(os.environ, **env))
            out = done.stdout.decode("utf-8")
            self.assertEqual(done.returncode, expect, out + done.stderr.decode("utf-8"))
        self.assertIn("no KDC of realm", out)

        # an NTLM profile says so too
        self.create("ntlm", "mprof2")
        self.assertEqual(fields(self.run_tool("--dump", "-P", "ntlm")[0])["auth"], "ntlm")
        # a wrong password, and an address where the ticket needs a host name
        _, err = self.run_tool("--create", "-P", "krb2", "-u", "mprof1", "-p", "wrong-Pw-1",
                               "-d", self.bed.domain, "-r", realm, "--kerberos",
                               "--binding", binding, env=good, expect_status=1)
        self.assertIn("Kerberos logon refused", err)
        _, err = self.run_tool("--create", "-P", "krb2", "-u", "mprof1", "-p", user["password"],
                               "-d", self.bed.domain, "-r", realm, "--kerberos",
                               "-I", self.bed.address, env=good, expect_status=1)
        self.assertIn("not an address", err)
        _, err = self.run_tool("--create", "-P", "krb2", "-u", "mprof1", "-p", "x",
                               "-I", self.bed.address, "--kerberos", expect_status=2)
        self.assertIn("--kerberos needs the realm", err)

    def test_usage_errors(self):
        _, err = self.run_tool(expect_status=2)
        self.assertIn("say what to do", err)
        _, err = self.run_tool("--create", "-P", "x", expect_status=2)
        self.assertIn("needs", err)
        _, err = self.run_tool("--create", "-P", " bad", "-u", "u", "-p", "p", "-I", "h",
                               expect_status=2)
        self.assertIn("not a valid profile name", err)
        _, err = self.run_tool("--list", "--codepage", "abc", expect_status=2)
        out, _ = self.run_tool("--help")
        self.assertIn("--create", out)


if __name__ == "__main__":
    unittest.main()
