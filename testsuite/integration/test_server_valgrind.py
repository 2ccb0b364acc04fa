"""The server side of issue 6's memory requirement: the whole mapitest run
is clean under valgrind in the server too.

A bed of its own whose samba (one process, -M single, so mapiproxy runs in
it) is started under valgrind's memcheck.  mapitest runs every family
against it; then samba is stopped with SIGTERM and valgrind's report is
read.  Samba itself is not ours to judge (Debian ships it without debug
information, and it keeps some allocations until exit by design), so an
error counts when one of its stack frames is in OpenChange's sources
(mapiproxy/, mapistore/, libmapi/, idl/): those frames carry file names,
since the module is built with -g, and samba's do not.  So does any block
our code allocated that is still held at exit, reachable or not, except
what the module's registration gave samba: every session ended before.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from testbed import TestBed  # noqa: E402

BUILD = os.environ.get("OC_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
OUR_SOURCES = re.compile(r"[(/](mapiproxy|mapistore|libmapi|idl)/[^ :]+\.[ch]:\d+\)")
# a record of memcheck: one error or one leak, lines prefixed by ==PID==
RECORD_START = re.compile(r"^==\d+== (Invalid|Conditional|Use of uninit|Syscall param|"
                          r"Mismatched|Source and destination|Argument|Jump|"
                          r"[\d,]+ (\([\d,]+ direct, [\d,]+ indirect\) )?bytes in [\d,]+ blocks)")


def records(log_text):
    """The report's error and leak records, each as its lines."""
    out, current = [], None
    for line in log_text.splitlines():
        if RECORD_START.match(line):
            current = [line]
            out.append(current)
        elif current is not None:
            if re.match(r"^==\d+== ?$", line):
                current = None
            else:
                current.append(line)
    return out


def ours(record):
    return any(OUR_SOURCES.search(line) for line in record)


def registration(record):
    """Memory the module's one-time registration gave samba (its debug
    class, its endpoint servers): samba keeps it until exit."""
    return any("samba_init_module (" in line and "mapiproxy/mapiproxy.c:" in line
               for line in record)


def offending(record):
    """An error with one of our frames, or memory our code allocated that is
    still held when samba exits.  Every session has ended by then (mapitest
    disconnected), so whatever a session allocated must have been freed:
    even memory still reachable through a talloc parent is a leak here."""
    return ours(record) and not registration(record)


class RecordFilterTest(unittest.TestCase):
    """The report reader must see our frames, or the test below could not fail."""

    def test_finds_a_record_with_our_frame(self):
        log = ("==12== Invalid read of size 4\n"
               "==12==    at 0x4A: oxcfold_open (/work/x/build/../mapiproxy/emsmdb/oxcfold.c:120)\n"
               "==12==    by 0x4B: ??? (in /usr/lib/x86_64-linux-gnu/samba/libdcerpc-server.so.0)\n"
               "==12== \n"
               "==12== 16 bytes in 1 blocks are definitely lost in loss record 3 of 9\n"
               "==12==    at 0x48: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
               "==12==    by 0x49: ??? (in /usr/lib/x86_64-linux-gnu/libtalloc.so.2)\n"
               "==12== \n")
        found = records(log)
        self.assertEqual(len(found), 2)
        self.assertEqual([ours(r) for r in found], [True, False])
        self.assertEqual([offending(r) for r in found], [True, False])

    def test_registration_is_not_a_leak(self):
        log = ("==12== 48 bytes in 1 blocks are still reachable in loss record 78 of 503\n"
               "==12==    at 0x48: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
               "==12==    by 0x92: dcerpc_register_ep_server (in /usr/lib/libdcerpc-server-core.so.0)\n"
               "==12==    by 0xEC: samba_init_module (/w/build/../mapiproxy/mapiproxy.c:282)\n"
               "==12== \n"
               "==12== 96 bytes in 1 blocks are still reachable in loss record 79 of 503\n"
               "==12==    at 0x48: malloc (in /usr/libexec/valgrind/vgpreload_memcheck.so)\n"
               "==12==    by 0x4C: talloc_named_const (in /usr/lib/libtalloc.so.2)\n"
               "==12==    by 0xED: emsmdb_session_new (/w/build/../mapiproxy/emsmdb/session.c:40)\n"
               "==12== \n")
        self.assertEqual([offending(r) for r in records(log)], [False, True])


@unittest.skipUnless(shutil.which("valgrind"), "valgrind is not installed")
class ServerUnderValgrindTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        module = os.path.join(BUILD, "mapiproxy", ".libs", "mapiproxy.so")
        cls.mapitest = os.path.join(BUILD, "utils", "mapitest", "mapitest")
        if not os.path.exists(module) or not os.access(cls.mapitest, os.X_OK):
            raise unittest.SkipTest("mapiproxy.so or mapitest is not built")
        cls.logdir = tempfile.mkdtemp(prefix="oc-valgrind-")
        suppressions = os.path.join(HERE, "..", "valgrind", "samba.supp")
        prefix = [shutil.which("valgrind"), "--tool=memcheck", "--leak-check=full",
                  "--show-leak-kinds=all", "--errors-for-leak-kinds=definite",
                  "--num-callers=40", "--fullpath-after=", "--child-silent-after-fork=yes",
                  "--suppressions=" + suppressions,
                  "--log-file=" + os.path.join(cls.logdir, "samba.%p.log")]
        # valgrind makes samba some 20 times slower: to start, and to check leaks at exit
        cls.bed = TestBed(mapiproxy=True, server_prefix=prefix, timeout=300.0, stop_grace=240.0)
        cls.bed.start()
        try:
            cls.user = cls.bed.add_mailbox_user("vguser1")
            cls.other = cls.bed.add_mailbox_user("vguser2")
        except BaseException:
            cls.bed.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.bed.close()
        if os.environ.get("OC_TESTBED_KEEP") != "1":
            shutil.rmtree(cls.logdir, ignore_errors=True)

    def test_mapitest_run_is_clean_in_the_server(self):
        done = subprocess.run(
            [self.mapitest, "--server", self.bed.address, "--user", "vguser1",
             "--password", self.user["password"], "--domain", self.bed.domain,
             "--other-user", "vguser2", "--other-password", self.other["password"]],
            capture_output=True, timeout=1500)
        out = done.stdout.decode("utf-8", "replace")
        self.assertEqual(done.returncode, 0, out[-3000:] + done.stderr.decode("utf-8", "replace"))
        self.assertRegex(out.rstrip("\n").split("\n")[-1], r"^\d+ passed, 0 failed$")
        passed = int(out.rstrip("\n").split("\n")[-1].split()[0])
        self.assertGreater(passed, 40)

        # SIGTERM: samba exits, valgrind writes its leak report
        self.bed.close()
        logs = [os.path.join(self.logdir, name) for name in sorted(os.listdir(self.logdir))]
        self.assertTrue(logs, "valgrind wrote no report")
        text = ""
        for path in logs:
            with open(path, encoding="utf-8", errors="replace") as log:
                text += log.read()
        # the report was completed: samba exited and the leak check ran
        self.assertTrue("LEAK SUMMARY" in text or "no leaks are possible" in text, text[-2000:])
        bad = [r for r in records(text) if offending(r)]
        self.assertEqual(bad, [], "\n\n".join("\n".join(r) for r in bad[:5]))
