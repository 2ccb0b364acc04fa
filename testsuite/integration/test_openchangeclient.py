"""utils/openchangeclient against the test bed's DC, as a user runs it.

A blackbox test: only the built program's output, files and exit status.
"""
import email
import email.policy
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from oc_testbed_env import TestBedEnv

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

USER = "occlientuser"
SUBJECT = "Проверка клиента: привет"


def built_tool(name):
    build = os.environ.get("OC_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
    program = os.path.join(build, "utils", name)
    if not os.access(program, os.X_OK):
        raise unittest.SkipTest("%s is not built" % program)
    return program


class OpenchangeclientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.program = built_tool("openchangeclient")
        cls.user = testbed.add_mailbox_user(USER)
        # a contact in the GAL too: an alias but no account of its own
        from openchange.recipients import Directory
        Directory(configfile=cls.bed.smb_conf).add_contact(
            "occlientcontact", "occlient.contact@example.org", display_name="Occlient Контакт")

    def credentials(self, password=None):
        return ["--server", self.bed.address, "--user", USER,
                "--password", password or self.user["password"], "--domain", self.bed.domain]

    def run_tool(self, *args, expect=0, timeout=300):
        done = subprocess.run([self.program] + list(args), capture_output=True, timeout=timeout)
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
        # a crash is never an acceptable result
        self.assertGreaterEqual(done.returncode, 0, out + err)
        if expect is not None:
            self.assertEqual(done.returncode, expect, out + err[-6000:])
        return out, err

    def test_list_folders(self):
        out, _ = self.run_tool(*self.credentials(), "--list-folders")
        for name in ("Inbox", "Sent Items", "Deleted Items"):
            self.assertRegex(out, r"(?m)^  +%s \[0x[0-9a-f]{16}\]" % name, out)

    def test_roundtrip(self):
        tmp = tempfile.TemporaryDirectory(prefix="test_openchangeclient.")
        self.addCleanup(tmp.cleanup)
        folder = "occlient папка %d" % os.getpid()
        payload = bytes((i * 131 + (i >> 7)) & 0xFF for i in range(70000)) + b"\0\r\n\xff"
        source = os.path.join(tmp.name, "данные.bin")
        with open(source, "wb") as f:
            f.write(payload)
        out, _ = self.run_tool(*self.credentials(), "--create-folder", folder)
        self.assertIn("Created folder " + folder, out)
        out, _ = self.run_tool(*self.credentials(), "--list-folders")
        self.assertIn(folder, out)

        out, _ = self.run_tool(*self.credentials(), "--create-message", "--folder", folder,
                               "--subject", SUBJECT, "--body", "Тело\nвторая строка",
                               "--to", "someone@example.com", "--attach", source)
        self.assertRegex(out, r"Created message 0x[0-9a-f]{16}")
        mid = out.split()[-1]

        out, _ = self.run_tool(*self.credentials(), "--list-messages", "--folder", folder)
        lines = [line.split("\t") for line in out.splitlines()]
        self.assertEqual(len(lines), 1, out)
        self.assertEqual(lines[0][0], mid)
        self.assertEqual(lines[0][1], SUBJECT)

        saved = os.path.join(tmp.name, "saved")
        os.mkdir(saved)
        out, _ = self.run_tool(*self.credentials(), "--fetch", mid, "--folder", folder,
                               "--attachments", saved)
        self.assertIn("Subject: " + SUBJECT, out)
        self.assertIn("someone@example.com", out)
        self.assertIn("Тело\nвторая строка", out)
        self.assertIn("Attachment: ", out)
        with open(os.path.join(saved, "данные.bin"), "rb") as f:
            self.assertEqual(f.read(), payload)

        out, _ = self.run_tool(*self.credentials(), "--dump", mid, "--folder", folder)
        self.assertRegex(out, r"(?m)^PidTagSubject\t0x0037001f\tPtypString\t%s$" % SUBJECT)
        self.assertIn("PidTagMessageClass", out)

        out, _ = self.run_tool(*self.credentials(), "--delete-message", mid, "--folder", folder)
        self.assertIn("Deleted message " + mid, out)
        out, _ = self.run_tool(*self.credentials(), "--list-messages", "--folder", folder)
        self.assertEqual(out.strip(), "")
        _, err = self.run_tool(*self.credentials(), "--fetch", mid, "--folder", folder, expect=1)
        self.assertTrue(err.startswith("openchangeclient: "), err)

        out, _ = self.run_tool(*self.credentials(), "--delete-folder", folder)
        self.assertIn("Deleted folder", out)
        out, _ = self.run_tool(*self.credentials(), "--list-folders")
        self.assertNotIn(folder, out)
        _, err = self.run_tool(*self.credentials(), "--delete-folder", folder, expect=1)
        self.assertIn("no folder", err)

    def test_embedded_message(self):
        """--create-message --embed puts a message inside an attachment; --fetch lists it by
        subject and saves it as an .eml file that Python's email module reads; --dump shows its
        properties indented under the outer message's."""
        tmp = tempfile.TemporaryDirectory(prefix="test_openchangeclient.")
        self.addCleanup(tmp.cleanup)
        inner_subject = "Вложенное: 埋め込みメッセージ"
        inner_body = "Текст вложенного письма\nвторая строка\n"
        source = os.path.join(tmp.name, "plain.txt")
        with open(source, "wb") as f:
            f.write(b"plain file\n")
        mid = self.created("--create-message", "--folder", "Drafts", "--subject", "С вложенным письмом",
                           "--attach", source, "--embed", inner_subject, "--embed-body", inner_body)
        self.addCleanup(self.run_tool, *self.credentials(), "--delete-message", mid, "--folder", "Drafts",
                        expect=None)
        saved = os.path.join(tmp.name, "saved")
        os.mkdir(saved)
        out, _ = self.run_tool(*self.credentials(), "--fetch", mid, "--folder", "Drafts",
                               "--attachments", saved)
        self.assertRegex(out, r"(?m)^Attachment: 1 .*\(embedded message: %s\)$" % inner_subject)
        self.assertEqual(sorted(os.listdir(saved)), sorted(["plain.txt", inner_subject + ".eml"]))
        with open(os.path.join(saved, inner_subject + ".eml"), "rb") as f:
            raw = f.read()
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""), "an .eml file has CRLF line ends")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(str(message["subject"]), inner_subject)
        self.assertEqual(message.get_content().replace("\r\n", "\n"), inner_body)

        out, _ = self.run_tool(*self.credentials(), "--dump", mid, "--folder", "Drafts")
        lines = out.splitlines()
        heading = lines.index("Embedded message in attachment 1:")
        self.assertIn("PidTagSubject\t0x0037001f\tPtypString\tС вложенным письмом", lines[:heading])
        self.assertIn("  PidTagSubject\t0x0037001f\tPtypString\t" + inner_subject, lines[heading:])
        self.assertIn("  PidTagMessageClass\t0x001a001f\tPtypString\tIPM.Note", lines[heading:])
        self.assertTrue(all(line.startswith("  ") for line in lines[heading + 1:]), out)

        # --embed belongs to --create-message; --embed-body needs --embed
        for args in (["--list-folders", "--embed", "x"],
                     ["--create-message", "--folder", "Drafts", "--subject", "s", "--embed-body", "b"]):
            _, err = self.run_tool(*self.credentials(), *args, expect=2)
            self.assertIn("--embed", err)

    def created(self, *args):
        out, _ = self.run_tool(*self.credentials(), *args)
        self.assertRegex(out, r"Created message 0x[0-9a-f]{16}")
        return out.split()[-1]

    def test_contact_appointment_task(self):
        """Each lands in its default folder with its class and properties."""
        for folder, args, expected in (
                ("Contacts", ["--create-contact", "Пётр Контакт", "--email", "petr@example.ru"],
                 ["IPM.Contact", "PidTagDisplayName\t0x3001001f\tPtypString\tПётр Контакт",
                  "petr@example.ru"]),
                ("Calendar", ["--create-appointment", "Встреча", "--start", "2026-03-01 10:00",
                              "--end", "2026-03-01 11:30"],
                 ["IPM.Appointment", "PidTagStartDate\t0x00600040\tPtypTime\t2026-03-01 10:00:00 UTC",
                  "PtypTime\t2026-03-01 11:30:00 UTC"]),
                ("Tasks", ["--create-task", "Задача", "--due", "2026-04-02"],
                 ["IPM.Task", "PtypTime\t2026-04-02 00:00:00 UTC"])):
            mid = self.created(*args)
            out, _ = self.run_tool(*self.credentials(), "--list-messages", "--folder", folder)
            self.assertIn(mid, out)
            out, _ = self.run_tool(*self.credentials(), "--dump", mid, "--folder", folder)
            for text in expected:
                self.assertIn(text, out)
            self.run_tool(*self.credentials(), "--delete-message", mid, "--folder", folder)
        _, err = self.run_tool(*self.credentials(), "--create-appointment", "x", "--start",
                               "tomorrow", "--end", "2026-01-01", expect=1)
        self.assertIn("--start and --end take", err)
        self.run_tool(*self.credentials(), "--create-appointment", "x", expect=2)

    def test_under_valgrind(self):
        """Create (with an attachment and an embedded message), fetch (saving both), dump and
        delete without a leak or a memory error."""
        valgrind = shutil.which("valgrind")
        if valgrind is None:
            self.skipTest("valgrind is not installed")
        suppressions = [os.path.join(HERE, "..", "valgrind", name)
                        for name in ("samba.supp", "libmapi.supp")]
        # libtool's wrapper script would be what valgrind runs: run the binary
        program = os.path.join(os.path.dirname(self.program), ".libs",
                               os.path.basename(self.program))
        if not os.access(program, os.X_OK):
            program = self.program
        lib = os.path.join(os.path.dirname(self.program), "..", "libmapi", ".libs")
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.abspath(lib))
        tmp = tempfile.TemporaryDirectory(prefix="test_openchangeclient.")
        self.addCleanup(tmp.cleanup)
        source = os.path.join(tmp.name, "a.bin")
        with open(source, "wb") as f:
            f.write(bytes(range(256)) * 50)

        def grind(*args):
            done = subprocess.run([valgrind, "--error-exitcode=9", "--leak-check=full", "-q",
                                   *["--suppressions=" + path for path in suppressions],
                                   program] + self.credentials() + list(args),
                                  capture_output=True, timeout=600, env=env)
            out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
            self.assertEqual(done.returncode, 0, out + err[-6000:])
            return out

        out = grind("--create-message", "--folder", "Drafts", "--subject", "valgrind",
                    "--attach", source, "--embed", "valgrind inner", "--embed-body", "inner body")
        mid = out.split()[-1]
        grind("--fetch", mid, "--folder", "Drafts", "--attachments", tmp.name)
        grind("--dump", mid, "--folder", "Drafts")
        grind("--list-folders")
        grind("--delete-message", mid, "--folder", "Drafts")

    def test_gal(self):
        """--gal lists every GAL entry once, in pages of --count; the accounts and SMTP
        addresses are the directory's (sam.ldb, read directly)."""
        sys.path.insert(0, "/usr/lib/python3/dist-packages")
        import ldb
        from samba import param
        from samba.auth import system_session
        from samba.samdb import SamDB

        lp = param.LoadParm()
        lp.load(self.bed.smb_conf)
        samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
        found = samdb.search(base=samdb.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                             expression="(&(showInAddressBook=%s)(!(msExchHideFromAddressLists=TRUE)))"
                             % ldb.binary_encode(os.environ["OC_TESTBED_GAL_DN"]),
                             attrs=["mailNickname"])
        # PidTagAccount is the alias, mailNickname (MS-OXLDAP 2.2.3.1)
        expected = sorted(str(m.get("mailNickname", idx=0) or "") for m in found)
        for count in ("1", "4", "1000"):
            out, _ = self.run_tool(*self.credentials(), "--gal", "--count", count)
            lines = out.rstrip("\n").split("\n")
            self.assertEqual(lines[-1], "%d of %d entries" % (len(found), len(found)), out[-500:])
            rows = [line.split("\t") for line in lines[:-1]]
            self.assertTrue(all(len(row) == 3 for row in rows), rows)
            self.assertEqual(sorted(row[2] for row in rows), expected, "--count " + count)
        mine = [row for row in rows if row[2] == USER]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0][1].lower(), self.user["smtp"].lower())

    def test_gal_errors(self):
        _, err = self.run_tool(*self.credentials(), "--gal", "--container", "No Such List",
                               expect=1)
        self.assertIn("no address list named 'No Such List'", err)
        for count in ("0", "1001", "-3", "ten"):
            _, err = self.run_tool(*self.credentials(), "--gal", "--count", count, expect=1)
            self.assertIn("give a number of entries from 1 to 1000", err)
        _, err = self.run_tool(*self.credentials(), "--list-folders", "--count", "3", expect=2)
        self.assertIn("--container and --count go with --gal", err)
        out, _ = self.run_tool("--help")
        self.assertIn("--gal [--container NAME] [--count N]", out)

    def test_send_is_not_supported(self):
        _, err = self.run_tool(*self.credentials(), "--send", "--folder", "Drafts", expect=1)
        self.assertIn("message submission is not supported by this server yet", err)

    def test_bad_password(self):
        _, err = self.run_tool(*self.credentials("wrong-Password-1"), "--list-folders", expect=1)
        self.assertIn("cannot log on", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_usage_errors(self):
        for args in (["--no-such-option"], [], ["--list-folders"],
                     self.credentials() + ["--list-messages"],
                     self.credentials() + ["--list-folders", "--list-messages"]):
            _, err = self.run_tool(*args, expect=2)
            self.assertTrue(err.startswith("openchangeclient: "), err)
        _, err = self.run_tool(*self.credentials(), "--fetch", "not-an-id", "--folder", "Inbox",
                               expect=1)
        self.assertIn("not a message id", err)
        _, err = self.run_tool(*self.credentials(), "--list-messages", "--folder",
                               "no such folder here", expect=1)
        self.assertIn("no folder", err)
        out, _ = self.run_tool("--help")
        self.assertIn("--list-folders", out)


if __name__ == "__main__":
    unittest.main()
