"""EMSMDB under samba's default process model (-M prefork), where sessions
live in one worker and a client's next connection may reach another
(DESIGN.md decision 5).  A bed of its own, since the suite's runs -M single.
"""
import os
import re
import subprocess
import sys
import unittest

from oc_testbed_env import TestBedEnv

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from testbed import TestBed  # noqa: E402
from test_emsmdb import (EC_NOT_SUPPORTED, EC_SUCCESS, unsupported_rop,  # noqa: E402
                         parse_replies, rop_buffer)


class EmsmdbPrefork(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        TestBedEnv()  # only inside a test bed run: it installs the module
        cls.program = TestBedEnv.built_program("emsmdb_client_check")
        cls.bed = TestBed(process_model="prefork", mapiproxy=True,
                          options={"mapiproxy:async_wait_timeout": "1"})
        cls.bed.start()
        try:
            cls.user = cls.bed.add_mailbox_user("preforkuser")
        except BaseException:
            cls.bed.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.bed.close()

    def run_check(self, *args):
        command = [self.program, "--server", self.bed.address, "--user", "preforkuser",
                   "--password", self.user["password"], "--domain", self.bed.domain]
        done = subprocess.run(command + [str(a) for a in args], capture_output=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        return dict(line.partition(" ")[::2] for line in done.stdout.decode().splitlines())

    def test_sessions_and_rops(self):
        dn = self.user["legacyExchangeDN"]
        for _ in range(4):	# several connections, likely several workers
            facts = self.run_check("connect", dn)
            self.assertEqual(int(facts["result"], 16), EC_SUCCESS)
            self.assertEqual(int(facts["disconnect"], 16), EC_SUCCESS)
        facts = self.run_check("rops", dn, rop_buffer([unsupported_rop(0)] * 3).hex())
        replies, _ = parse_replies(bytes.fromhex(facts["reply"]))
        self.assertEqual([r[2] for r in replies], [EC_NOT_SUPPORTED] * 3)

    def test_async_wait_completes(self):
        # on the session's own worker the wait times out (1 s, no events); on
        # another one the ACXH is unknown and the answer is NotificationPending
        # at once, which sends the client to EcDoRpcExt2 (MS-OXCRPC 3.3.4.1)
        facts = self.run_check("async", self.user["legacyExchangeDN"])
        result, flags, seconds = re.match(r"0x([0-9a-f]+) flags (\d+) seconds ([0-9.]+)",
                                          facts["wait"]).groups()
        self.assertEqual(int(result, 16), EC_SUCCESS)
        if flags == "0":
            self.assertGreater(float(seconds), 0.8)
        else:
            self.assertEqual(flags, "1")
        self.assertLess(float(seconds), 10)


if __name__ == "__main__":
    unittest.main()
