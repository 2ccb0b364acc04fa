"""MS-OXABREF 3.1.4.1: the client binds NSPI where RfrGetNewDSA says.

A bed of its own whose RFR names another NSPI server ("mapiproxy:nspi
server"): an address nothing answers at.  libmapi's logon must try that
server, and fail saying so, rather than use the server it asked.  The
shared bed covers the other side: there RFR answers the DC's FQDN, which
this host cannot resolve, so the client stays on the server it reached.
"""
import os
import subprocess
import sys
import unittest

from impacket.dcerpc.v5 import epm, oxabref, rpcrt, transport

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from testbed import TestBed  # noqa: E402

BUILD = os.environ.get("OC_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
ELSEWHERE = "127.0.0.9"


class ReferralTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.program = os.path.join(BUILD, "testsuite", "integration", "libmapi_check")
        module = os.path.join(BUILD, "mapiproxy", ".libs", "mapiproxy.so")
        if not os.path.exists(module) or not os.access(cls.program, os.X_OK):
            raise unittest.SkipTest("mapiproxy.so or libmapi_check is not built")
        cls.bed = TestBed(mapiproxy=True, options={"mapiproxy:nspi server": ELSEWHERE})
        cls.bed.start()
        try:
            cls.user = cls.bed.add_mailbox_user("rfruser")
        except BaseException:
            cls.bed.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.bed.close()

    def test_rfr_names_the_configured_server(self):
        binding = epm.hept_map(self.bed.address, oxabref.MSRPC_UUID_OXABREF, protocol="ncacn_ip_tcp")
        rpc = transport.DCERPCTransportFactory(binding)
        rpc.set_credentials("rfruser", self.user["password"], self.bed.domain)
        dce = rpc.get_dce_rpc()
        dce.set_auth_level(rpcrt.RPC_C_AUTHN_LEVEL_PKT_INTEGRITY)
        dce.connect()
        self.addCleanup(dce.disconnect)
        dce.bind(oxabref.MSRPC_UUID_OXABREF)
        server = oxabref.hRfrGetNewDSA(dce, "")["ppszServer"]
        if not isinstance(server, str):
            server = "".join(c.decode() if isinstance(c, bytes) else c for c in server)
        self.assertEqual(server.rstrip("\x00"), ELSEWHERE)

    def test_nspi_goes_where_rfr_says(self):
        done = subprocess.run([self.program, "--server", self.bed.address, "--user", "rfruser",
                               "--password", self.user["password"], "--domain", self.bed.domain,
                               "logon"], capture_output=True, timeout=120)
        out = done.stdout.decode("utf-8", "replace")
        self.assertEqual(done.returncode, 1, out + done.stderr.decode("utf-8", "replace"))
        self.assertIn("the referral service named (%s)" % ELSEWHERE, out)
