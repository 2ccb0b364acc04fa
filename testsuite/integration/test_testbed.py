"""The test bed itself, checked with an independent client (python3-impacket):
its endpoint mapper answers for Samba's own interfaces, and users created
through the test bed helper can authenticate with NTLM while wrong
credentials cannot.  Run inside a bed:

    /usr/bin/python3 testsuite/testbed.py -- \\
        /usr/bin/python3 -m unittest discover -s testsuite/integration -p test_testbed.py
"""
import os
import re
import secrets
import sys
import unittest

from impacket.dcerpc.v5 import epm, lsat, samr, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import testbed  # noqa: E402

INTERFACES = {"samr": samr.MSRPC_UUID_SAMR, "lsarpc": lsat.MSRPC_UUID_LSAT}


def unique_name(prefix):
    # sAMAccountName allows 20 characters; runs against a kept bed must not clash.
    return "%s%s" % (prefix, secrets.token_hex(4))


class TestBedChecks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.address = os.environ.get("OC_TESTBED_ADDRESS")
        if not cls.address:
            raise unittest.SkipTest("not inside a test bed: run through testsuite/testbed.py")
        cls.domain = os.environ["OC_TESTBED_DOMAIN"]
        cls.admin_user = os.environ["OC_TESTBED_ADMIN_USER"]
        cls.admin_password = os.environ["OC_TESTBED_ADMIN_PASSWORD"]

    def map_endpoint(self, uuid):
        # Our own connection, closed even when the lookup fails (hept_map
        # leaks the one it would open).
        mapper = transport.DCERPCTransportFactory(
            "ncacn_ip_tcp:%s[%d]" % (self.address, testbed.samba_dc.EPMAPPER_PORT))
        dce = mapper.get_dce_rpc()
        dce.connect()
        self.addCleanup(dce.disconnect)
        return epm.hept_map(self.address, uuid, protocol="ncacn_ip_tcp", dce=dce)

    def connect(self, uuid, user, password):
        """An NTLM-authenticated, signed connection to UUID's endpoint."""
        rpc = transport.DCERPCTransportFactory(self.map_endpoint(uuid))
        rpc.set_credentials(user, password, self.domain)
        dce = rpc.get_dce_rpc()
        dce.set_auth_level(RPC_C_AUTHN_LEVEL_PKT_INTEGRITY)
        dce.connect()
        self.addCleanup(dce.disconnect)
        dce.bind(uuid)
        return dce

    def samr_domains(self, user, password):
        """The domains SAMR lists to USER.  Samba answers a failed NTLM
        authentication with a fault, never with an anonymous session, so an
        answer means USER's password was accepted.  (LSA would tell the
        caller's name, but Samba refuses most LSA calls over TCP.)"""
        dce = self.connect(samr.MSRPC_UUID_SAMR, user, password)
        server = samr.hSamrConnect(dce)["ServerHandle"]
        domains = samr.hSamrEnumerateDomainsInSamServer(dce, server)["Buffer"]["Buffer"]
        return [entry["Name"] for entry in domains]

    def test_endpoint_mapper_maps_samba_interfaces_to_the_bed_address(self):
        for name, uuid in INTERFACES.items():
            with self.subTest(interface=name):
                binding = self.map_endpoint(uuid)
                match = re.fullmatch(r"ncacn_ip_tcp:([\d.]+)\[(\d+)\]", binding)
                self.assertIsNotNone(match, "unexpected binding %r" % binding)
                self.assertEqual(match.group(1), self.address)
                self.assertGreater(int(match.group(2)), 1024)

    def test_endpoint_mapper_does_not_invent_interfaces(self):
        unknown = bytes.fromhex("0123456789abcdef0123456789abcdef") + b"\x01\x00\x00\x00"
        with self.assertRaises(DCERPCException):
            self.map_endpoint(unknown)

    def test_admin_authenticates_and_sees_the_domain(self):
        self.assertIn(self.domain, self.samr_domains(self.admin_user, self.admin_password))

    def test_added_user_authenticates(self):
        name = unique_name("tb")
        password = testbed.add_user(name, given_name="Test", surname="Bed")
        self.assertTrue(password)
        self.assertIn(self.domain, self.samr_domains(name, password))

    def test_added_user_with_chosen_password(self):
        name = unique_name("tbpw")
        chosen = "Chosen-Pass.%s" % secrets.token_hex(3)
        self.assertEqual(testbed.add_user(name, chosen), chosen)
        self.assertIn(self.domain, self.samr_domains(name, chosen))

    def test_wrong_password_is_refused(self):
        name = unique_name("tbbad")
        password = testbed.add_user(name)
        self.samr_domains(name, password)  # the same path does work
        with self.assertRaises(DCERPCException):
            self.samr_domains(name, password + "x")

    def test_unknown_user_is_refused(self):
        with self.assertRaises(DCERPCException):
            self.samr_domains(unique_name("nobody"), "Not-A-Password.1")

    def test_adding_an_existing_user_fails(self):
        name = unique_name("tbdup")
        testbed.add_user(name)
        with self.assertRaises(testbed.samba_dc.SambaDCError) as caught:
            testbed.add_user(name)
        self.assertIn("already exists", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
