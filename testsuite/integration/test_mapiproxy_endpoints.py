"""mapiproxy as Samba hosts it, seen by an independent client (python3-impacket).

Issue 2: the module loads, the endpoint mapper advertises RFR, NSPI, EMSMDB and
AsyncEMSMDB with their spec UUIDs and versions, authenticated binds at sign and
seal work, opnums without a provider answer nca_op_rng_error, served opnums
refuse a stub that does not unmarshal with rpc_x_bad_stub_data, and anonymous or
unsigned callers are refused with access denied.
"""
import os
import re
import sys
import unittest

from impacket.dcerpc.v5 import epm, oxabref, rpcrt, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

from oc_testbed_env import TestBedEnv

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import testbed  # noqa: E402  (testsuite/testbed.py: extra users)

# (name in the spec's IDL, UUID, version, number of opnums): section 1.9 of
# MS-OXABREF, MS-OXNSPI and MS-OXCRPC; opnum counts from their IDL appendices.
INTERFACES = [
    ("rfri", "1544F5E0-613C-11D1-93DF-00C04FD7BD09", "1.0", 2),
    ("nspi", "F5CC5A18-4264-101A-8C59-08002B2F8426", "56.0", 21),
    ("emsmdb", "A4F1DB00-CA47-1067-B31F-00DD010662DA", "0.81", 15),
    ("asyncemsmdb", "5261574A-4572-206E-B268-6B199213B4E4", "0.01", 1),
]

# The opnums a provider answers, per interface.  A 16-byte zero stub is not
# a valid request for any of them (a zero-length conformant string, a
# zero-valued range or a NULL ref pointer), so each must fault with
# rpc_x_bad_stub_data; every other opnum with nca_s_op_rng_error.
SERVED = {
    "rfri": {0, 1},
    "nspi": set(range(21)) - {15},  # MS-OXNSPI: opnum 15 is not used on the wire
    # MS-OXCRPC: EcDoDisconnect, EcRRegisterPushNotification, EcDummyRpc,
    # EcDoConnectEx, EcDoRpcExt2, EcDoAsyncConnectEx; the other opnums are
    # reserved and stay nca_s_op_rng_error
    "emsmdb": {1, 4, 6, 10, 11, 14},
    "asyncemsmdb": {0},
}

SIGN = rpcrt.RPC_C_AUTHN_LEVEL_PKT_INTEGRITY
SEAL = rpcrt.RPC_C_AUTHN_LEVEL_PKT_PRIVACY


def syntax(uuid, version):
    return uuidtup_to_bin((uuid, version))


class MapiproxyEndpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()

    def map_endpoint(self, uuid, version):
        return epm.hept_map(self.bed.address, syntax(uuid, version), protocol="ncacn_ip_tcp")

    def bind(self, uuid, version, user, password, level):
        binding = self.map_endpoint(uuid, version)
        rpc = transport.DCERPCTransportFactory(binding)
        if user is not None:
            rpc.set_credentials(user, password, self.bed.domain)
        dce = rpc.get_dce_rpc()
        if user is not None:
            dce.set_auth_level(level)
        dce.connect()
        self.addCleanup(dce.disconnect)
        dce.bind(syntax(uuid, version))
        return dce

    def assert_call_faults(self, dce, opnum, fault):
        dce.call(opnum, b"\x00" * 16)
        with self.assertRaises(DCERPCException) as caught:
            dce.recv()
        self.assertEqual(str(caught.exception), fault,
                         "opnum %d answered %s, expected %s" % (opnum, caught.exception, fault))

    def assert_refused(self, uuid, version, user, password):
        # impacket sends NTLM's last leg (AUTH3) without waiting for an
        # answer, so a bad password shows on the first call, not the bind.
        with self.assertRaises(DCERPCException) as caught:
            dce = self.bind(uuid, version, user, password, SIGN)
            dce.call(0, b"\x00" * 16)
            dce.recv()
        self.assertNotEqual(str(caught.exception), "nca_s_op_rng_error",
                            "a call with a bad password reached mapiproxy")

    def test_module_loaded_and_registered(self):
        log = self.bed.log_text()
        self.assertRegex(log, r"mapiproxy: openchange [0-9.]+ module loaded")
        for name, uuid, _, _ in INTERFACES:
            self.assertRegex(log, r"mapiproxy: registered %s \(MS-[A-Z]+\) %s " % (name, uuid.lower()))

    def test_endpoint_mapper_advertises_all_four(self):
        for name, uuid, version, _ in INTERFACES:
            with self.subTest(interface=name):
                binding = self.map_endpoint(uuid, version)
                self.assertRegex(binding, r"^ncacn_ip_tcp:%s\[\d+\]$" % re.escape(self.bed.address))

    def test_endpoint_mapper_knows_no_other_version(self):
        # The versions are part of the contract: a client asking for
        # NSPI 55.0 must not be sent to us.
        with self.assertRaises(DCERPCException):
            self.map_endpoint("F5CC5A18-4264-101A-8C59-08002B2F8426", "55.0")

    def test_authenticated_bind_and_unknown_opnums_fault(self):
        for name, uuid, version, num_calls in INTERFACES:
            for level in (SIGN, SEAL):
                with self.subTest(interface=name, level=level):
                    dce = self.bind(uuid, version, self.bed.admin_user, self.bed.admin_password, level)
                    for opnum in (0, num_calls - 1, num_calls, 0xFFFF):
                        expected = ("rpc_x_bad_stub_data" if opnum in SERVED[name]
                                    else "nca_s_op_rng_error")
                        self.assert_call_faults(dce, opnum, expected)

    def test_new_user_can_bind(self):
        # Any domain user gets through the admission check, not only admins.
        password = testbed.add_user("mapiuser1")
        uuid, version = INTERFACES[0][1], INTERFACES[0][2]
        dce = self.bind(uuid, version, "mapiuser1", password, SIGN)
        resp = oxabref.hRfrGetNewDSA(dce, "")
        self.assertTrue(resp["ppszServer"], "RfrGetNewDSA named no server")
        self.assert_refused(uuid, version, "mapiuser1", password + "x")

    def test_anonymous_call_is_refused(self):
        for name, uuid, version, _ in INTERFACES:
            with self.subTest(interface=name):
                dce = self.bind(uuid, version, None, None, None)
                self.assert_call_faults(dce, 0, "rpc_s_access_denied")

    def test_anonymous_ntlm_is_refused(self):
        # NTLM lets a client "authenticate" with an empty name: that is
        # still ANONYMOUS LOGON and must not get in, even when signed.
        for name, uuid, version, _ in INTERFACES:
            with self.subTest(interface=name):
                dce = self.bind(uuid, version, "", "", SIGN)
                self.assert_call_faults(dce, 0, "rpc_s_access_denied")

    def test_connect_level_is_refused(self):
        uuid, version = INTERFACES[1][1], INTERFACES[1][2]
        dce = self.bind(uuid, version, self.bed.admin_user, self.bed.admin_password,
                        rpcrt.RPC_C_AUTHN_LEVEL_CONNECT)
        self.assert_call_faults(dce, 0, "rpc_s_access_denied")

    def test_wrong_password_is_refused(self):
        uuid, version = INTERFACES[2][1], INTERFACES[2][2]
        self.assert_refused(uuid, version, self.bed.admin_user, self.bed.admin_password + "x")


if __name__ == "__main__":
    unittest.main()
