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

    def test_under_valgrind(self):
        """The whole round trip and the embedded message's, without a leak or a memory error."""
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
        for command in ("roundtrip", "embedded"):
            done = subprocess.run(
                [valgrind, "--error-exitcode=9", "--leak-check=full", "-q",
                 *["--suppressions=" + path for path in suppressions], program] + self.credentials() + [command],
                capture_output=True, timeout=600,
                env=dict(os.environ, LD_LIBRARY_PATH=os.path.abspath(env_lib)))
            out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
            if done.returncode != 0:
                with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "libmapi.valgrind.log"),
                          "w") as log:
                    log.write(err)
            self.assertEqual(done.returncode, 0, out + err[-6000:])
            self.assertIn("ok " + command, out)


if __name__ == "__main__":
    unittest.main()
