"""libmapi's public client API (libmapi/libmapi.h) against the test bed's DC.

testsuite/integration/libmapi_check is a small program that includes only
the public header and links only the shared library; these tests run it and
check what it prints against what the server says through other paths
(rop_session.py's independent RopLogon, the directory).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from oc_testbed_env import TestBedEnv
from rop_session import RopSession

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

USER = "libmapiuser"

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import ldb  # noqa: E402
from samba import param  # noqa: E402
from samba.auth import system_session  # noqa: E402
from samba.samdb import SamDB  # noqa: E402


def built_tool(name):
    build = os.environ.get("OC_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
    program = os.path.join(build, "utils", name)
    if not os.access(program, os.X_OK):
        raise unittest.SkipTest("%s is not built" % program)
    return program


class LibmapiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.program = TestBedEnv.built_program("libmapi_check")
        cls.user = testbed.add_mailbox_user(USER, given_name="Либ", surname="マピ")
        # enough entries that pages of 7 split the GAL several times, users,
        # a group and contacts among them (they land in different address lists)
        from openchange.recipients import Directory
        directory = Directory(configfile=cls.bed.smb_conf)
        for i in range(20):
            directory.mailbox_enable("galpage%02d" % i, create=True,
                                     password=cls.user["password"],
                                     display_name="Galpage %02d Ω" % (19 - i))
        directory.mail_enable_group("galgroup", create=True, display_name="Galgroup Ж")
        for i in range(3):
            directory.add_contact("galcontact%d" % i, "galcontact%d@example.org" % i,
                                  display_name="Galcontact %d" % i)

    def credentials(self, password=None):
        return ["--server", self.bed.address, "--user", USER,
                "--password", password or self.user["password"], "--domain", self.bed.domain]

    def check(self, *args, prefix=(), expect=0, timeout=300):
        done = subprocess.run(list(prefix) + [self.program] + list(args), capture_output=True,
                              timeout=timeout)
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
        # a crash is never an acceptable result
        self.assertGreaterEqual(done.returncode, 0, out + err)
        if expect is not None:
            self.assertEqual(done.returncode, expect, out + err[-6000:])
        return out, err

    def test_logon(self):
        out, _ = self.check(*self.credentials(), "logon")
        self.assertEqual(out.strip(), "ok logon " + self.user["legacyExchangeDN"])

    def test_inbox_is_the_logon_inbox(self):
        """GetDefaultFolder(olFolderInbox) is the Inbox FolderId of an independent RopLogon."""
        out, _ = self.check(*self.credentials(), "inbox")
        fields = out.split()
        self.assertEqual(fields[:2], ["ok", "inbox"], out)
        with RopSession(self.bed, USER, self.user) as session:
            session.logon()
            ids = session.folder_ids
        self.assertEqual(int(fields[2], 16), ids["inbox"])
        self.assertEqual(int(fields[4], 16), ids["ipm_subtree"])
        self.assertNotEqual(int(fields[6], 16), 0)

    def test_roundtrip(self):
        """Folder, message with Unicode subject/body, recipients and a 100 KB
        attachment through a stream; found by sort and restriction; read back
        byte for byte; named properties; deleted."""
        out, _ = self.check(*self.credentials(), "roundtrip")
        self.assertTrue(out.rstrip().endswith("ok roundtrip"), out)

    def test_embedded_message(self):
        """An attachment holding an embedded message with its own subject, body, recipient and
        40 KB attachment (OpenEmbeddedMessage with Create): saved, then read back in a new
        session byte for byte; the server marks the attachment afEmbeddedMessage; an unsaved
        change is lost; the wrong object, a bad mode, an attachment without a message and a
        read-only attachment are refused."""
        out, _ = self.check(*self.credentials(), "embedded")
        self.assertTrue(out.rstrip().endswith("ok embedded"), out)
        # the server's ecNotFound (0x8004010F) for a plain attachment, named by the ROP
        self.assertIn("not found: RopOpenEmbeddedMessage", out.replace("failed", ""))
        self.assertIn("create in a read-only attachment: 0x80070005", out)  # MAPI_E_NO_ACCESS

    def test_entry_ids(self):
        """GetFIDFromEntryID of the store's IPM subtree entry ID; GetDefaultFolder(olFolderCalendar)
        follows PidTagIpmAppointmentEntryId on the Root folder."""
        out, _ = self.check(*self.credentials(), "entryids")
        self.assertEqual(out.strip(), "ok entryids")

    def test_resolve_names(self):
        out, _ = self.check(*self.credentials(), "resolve", USER)
        fields = out.rstrip("\n").split("\t")
        self.assertEqual(fields[0], "ok resolve", out)
        self.assertEqual(fields[1], "Либ マピ")
        self.assertEqual(fields[2].lower(), self.user["smtp"].lower())
        self.assertEqual(fields[3], self.user["legacyExchangeDN"])
        out, _ = self.check(*self.credentials(), "resolve", "nobody-named-like-this", expect=1)
        self.assertIn("MAPI_E_NOT_FOUND", out)

    def directory(self):
        lp = param.LoadParm()
        lp.load(self.bed.smb_conf)
        return SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)

    def address_list(self, dn):
        """The legacyExchangeDNs the directory shows in address list DN (MS-OXNSPI 3.1.4.4:
        showInAddressBook names the lists an object is in), read from sam.ldb."""
        samdb = self.directory()
        found = samdb.search(base=samdb.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                             expression="(&(showInAddressBook=%s)(!(msExchHideFromAddressLists=TRUE)))"
                             % ldb.binary_encode(dn), attrs=["legacyExchangeDN"])
        return sorted(str(m["legacyExchangeDN"]) for m in found)

    def gal_entries(self, *args):
        out, _ = self.check(*self.credentials(), "gal", *args)
        lines = out.rstrip("\n").split("\n")
        self.assertTrue(lines[-1].startswith("ok gal "), out[-2000:])
        rows = [line.split("\t") for line in lines[:-1] if line.startswith("entry\t")]
        self.assertEqual(int(lines[-1].split()[2]), len(rows))
        return rows

    def test_gal_paging(self):
        """Every GAL entry exactly once, whatever the page size, and the count is the
        directory's; GetABProps by MId and by ESSDN agree with each row (checked inside)."""
        expected = self.address_list(os.environ["OC_TESTBED_GAL_DN"])
        self.assertIn(self.user["legacyExchangeDN"], expected)
        for page in ("1", "7", "1000"):
            rows = self.gal_entries(page)
            essdns = [row[5] for row in rows]
            self.assertEqual(sorted(essdns), expected, "page size %s" % page)
            mids = [row[4] for row in rows]
            self.assertEqual(len(set(mids)), len(mids))
            # sorted by display name, as the server's table (MS-OXNSPI 3.1.4.4.1)
            names = [row[1].casefold() for row in rows]
            self.assertEqual(names, sorted(names))
        mine = [row for row in rows if row[5] == self.user["legacyExchangeDN"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0][1], "Либ マピ")
        self.assertEqual(mine[0][2].lower(), self.user["smtp"].lower())
        self.assertEqual(mine[0][3], USER)

    def test_ab_hierarchy(self):
        """GetABHierarchy: the GAL (container 0) first, then the address lists, each a
        container the directory has; a list's table holds what its showInAddressBook says."""
        out, _ = self.check(*self.credentials(), "hierarchy")
        lines = out.rstrip("\n").split("\n")
        self.assertTrue(lines[-1].startswith("ok hierarchy "), out)
        rows = [line.split("\t") for line in lines[:-1]]
        self.assertEqual(int(lines[-1].split()[2]), len(rows))
        self.assertEqual(int(rows[0][1], 16), 0, rows[0])
        ids = [int(row[1], 16) for row in rows]
        self.assertEqual(len(set(ids)), len(ids))
        for row in rows[1:]:
            self.assertGreaterEqual(int(row[1], 16), 0x10)
            self.assertGreater(int(row[5]), 0, "an entry ID")
        samdb = self.directory()
        lists = {str(m["displayName"]): str(m.dn) for m in samdb.search(
            base=str(samdb.get_config_basedn()), scope=ldb.SCOPE_SUBTREE,
            expression="(objectClass=addressBookContainer)", attrs=["displayName"])
            if "displayName" in m}
        names = [row[6] for row in rows[1:]]
        for name in names:
            self.assertIn(name, lists)
        # browse one address list by name: what the directory puts in it
        for name in names:
            dn = lists[name]
            if dn == os.environ["OC_TESTBED_GAL_DN"]:
                continue
            rows = self.gal_entries("3", name)
            self.assertEqual(sorted(row[5] for row in rows), self.address_list(dn), name)

    def test_seek(self):
        """SeekGALTable: the first display name at or after a prefix, case-insensitively."""
        out, _ = self.check(*self.credentials(), "seek", "либ")
        fields = out.rstrip("\n").split("\t")
        self.assertEqual(fields[0], "ok seek", out)
        self.assertEqual(fields[1], "Либ マピ")
        # its row number is its place in the GAL sorted by name
        rows = self.gal_entries("1000")
        self.assertEqual(rows[int(fields[2])][1], "Либ マピ")
        self.assertEqual(int(fields[3]), len(rows))

    def test_wrong_server_is_followed(self):
        """MS-OXCSTOR 2.2.1.1.2: OpenMsgStore follows RopLogon's ecWrongServer
        redirect: RFR gives the named server's address and EMSMDB connects
        there.  A server nobody answers at fails naming it and its address; a
        server that redirects again (here: the bed itself, at the address RFR
        gives for the second server) ends after MAPI_MAX_REDIRECTS with a
        loop error, never an endless round."""
        testbed.add_mailbox_user("libmvgone", password=self.user["password"])
        gone_server = testbed.move_mailbox_away("libmvgone", "MBXGONE", "127.0.0.9")
        creds = self.credentials()
        creds[creds.index("--user") + 1] = "libmvgone"
        out, _ = self.check(*creds, "logon", expect=1)
        self.assertIn("the mailbox is on %s (127.0.0.9): EcDoConnectEx there" % gone_server, out)

        testbed.add_mailbox_user("libmvloop", password=self.user["password"])
        loop_server = testbed.move_mailbox_away("libmvloop", "MBXLOOP", self.bed.address)
        creds[creds.index("--user") + 1] = "libmvloop"
        out, _ = self.check(*creds, "logon", expect=1)
        self.assertTrue(out.startswith("error 0x00000478 "), out)
        self.assertIn("redirected to %s again after 2 redirects" % loop_server, out)
        # two reconnections and the failed one, without a leak or a memory error
        self.assertIn("again after 2 redirects", self.grind(*creds, "logon", expect=1))
        creds[creds.index("--user") + 1] = "libmvgone"
        self.assertIn("EcDoConnectEx there", self.grind(*creds, "logon", expect=1))

    def test_logons(self):
        """255 stores open at once in one session, each usable, the 256th refused with
        a clear error, a released one's LogonId reused."""
        out, _ = self.check(*self.credentials(), "logons", timeout=600)
        self.assertIn("ok logons 255 25", out)
        self.assertIn("LogonIds of the session are in use", out)

    def test_kerberos(self):
        """MapiLogonParams with MAPI_AUTH_KERBEROS: a ticket from the bed's KDC for the
        DC's DNS name, then the GAL and the mailbox over it; with the KDC unreachable the
        logon fails cleanly (no fallback to NTLM)."""
        realm = os.environ["OC_TESTBED_REALM"]
        samdb = self.directory()
        (dc,) = samdb.search(base=samdb.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                             expression="(&(objectClass=computer)(primaryGroupID=516))",
                             attrs=["dNSHostName"])
        host = str(dc["dNSHostName"])
        tmp = tempfile.TemporaryDirectory(prefix="test_libmapi.")
        self.addCleanup(tmp.cleanup)

        def krb5_conf(kdc):
            path = os.path.join(tmp.name, "krb5-%s.conf" % kdc.replace(":", "_"))
            with open(path, "w") as f:
                f.write("[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_kdc = false\n"
                        "[realms]\n%s = {\n\tkdc = %s\n}\n" % (realm, realm, kdc))
            return path

        args = self.credentials() + ["--kerberos", "--realm", realm, "--binding",
                                     "ncacn_ip_tcp:%s[seal,target_hostname=%s]"
                                     % (self.bed.address, host)]
        program = self.program
        good = dict(os.environ, KRB5_CONFIG=krb5_conf(self.bed.address))
        dead = dict(os.environ, KRB5_CONFIG=krb5_conf("127.0.0.1:9"))
        done = subprocess.run([program] + args + ["inbox"], capture_output=True, timeout=120,
                              env=good)
        self.assertEqual(done.returncode, 0, done.stdout.decode() + done.stderr.decode())
        self.assertTrue(done.stdout.decode().startswith("ok inbox"), done.stdout.decode())
        done = subprocess.run([program] + args + ["logon"], capture_output=True, timeout=120,
                              env=dead)
        self.assertEqual(done.returncode, 1, done.stdout.decode())
        self.assertIn("MAPI_E_NETWORK_ERROR", done.stdout.decode())
        self.assertIn("Kerberos: no KDC of realm", done.stdout.decode())
        # no realm: refused before any traffic
        done = subprocess.run([program] + self.credentials() + ["--kerberos", "logon"],
                              capture_output=True, timeout=120, env=good)
        self.assertEqual(done.returncode, 1)
        self.assertIn("Kerberos needs the realm", done.stdout.decode())

    def test_bad_password(self):
        out, _ = self.check(*self.credentials("wrong-Password-1"), "logon", expect=1)
        self.assertIn("MAPI_E_LOGON_FAILED", out)
        self.assertIn("cannot log on", out)

    def test_profiles(self):
        """A stored profile logs on; an unknown one says so."""
        tmp = tempfile.TemporaryDirectory(prefix="test_libmapi.")
        self.addCleanup(tmp.cleanup)
        store = os.path.join(tmp.name, "profiles.ldb")
        done = subprocess.run([built_tool("mapiprofile"), "--profile-file", store, "--create",
                               "-P", "work", "-u", USER, "-p", self.user["password"],
                               "-d", self.bed.domain, "-I", self.bed.address],
                              capture_output=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        out, _ = self.check("--profile-file", store, "--profile", "work",
                            "--password", self.user["password"], "logon")
        self.assertEqual(out.strip(), "ok logon " + self.user["legacyExchangeDN"])
        out, _ = self.check("--profile-file", store, "--profile", "nope",
                            "--password", self.user["password"], "logon", expect=1)
        self.assertIn("MAPI_E_NOT_FOUND", out)
        self.assertIn("no profile named 'nope'", out)

    def test_bad_arguments(self):
        out, _ = self.check(*self.credentials(), "badargs")
        self.assertEqual(out.strip(), "ok badargs")

    def test_threads(self):
        """Eight threads, each with its own session: logon and a folder list."""
        out, _ = self.check(*self.credentials(), "threads", "8")
        self.assertTrue(out.startswith("ok threads 8 "), out)

    def grind(self, *args, expect=0):
        """libmapi_check ARGS under valgrind: its output, once valgrind found nothing."""
        valgrind = shutil.which("valgrind")
        if valgrind is None:
            self.skipTest("valgrind is not installed")
        suppressions = [os.path.join(HERE, "..", "valgrind", name)
                        for name in ("samba.supp", "libmapi.supp")]
        # libtool's wrapper script would be what valgrind runs: run the binary
        program = os.path.join(os.path.dirname(self.program), ".libs", os.path.basename(self.program))
        if not os.access(program, os.X_OK):
            program = self.program
        env_lib = os.path.join(os.path.dirname(self.program), "..", "..", "libmapi", ".libs")
        done = subprocess.run(
            [valgrind, "--error-exitcode=9", "--leak-check=full", "-q",
             *["--suppressions=" + path for path in suppressions], program] + list(args),
            capture_output=True, timeout=600,
            env=dict(os.environ, LD_LIBRARY_PATH=os.path.abspath(env_lib)))
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
        if done.returncode != expect:
            with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "libmapi.valgrind.log"),
                      "w") as log:
                log.write(err)
        self.assertEqual(done.returncode, expect, " ".join(args[-2:]) + "\n" + out[-3000:] + err[-6000:])
        return out

    def test_under_valgrind(self):
        """The round trip, an embedded message, the address book and logon-id
        calls, without a leak or a memory error."""
        for command in (["roundtrip"], ["embedded"], ["gal", "7"], ["seek", "либ"], ["hierarchy"],
                        ["badargs"], ["logons"]):
            self.assertIn("ok " + command[0], self.grind(*self.credentials(), *command))


if __name__ == "__main__":
    unittest.main()
