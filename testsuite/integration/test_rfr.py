"""RFR (MS-OXABREF) as python3-impacket, an independent client, sees it.

impacket 0.10.0's RfrGetNewDSAResponse has no field for the call's return
value (MS-OXABREF 3.1.4.1 returns a long after ppszServer); the classes here
follow the spec's IDL, so a non-zero result cannot go unnoticed.
"""
import os
import sys
import unittest

from impacket.dcerpc.v5 import epm, oxabref, rpcrt, transport
from impacket.dcerpc.v5.dtypes import NULL, ULONG
from impacket.dcerpc.v5.ndr import NDRCALL

from oc_testbed_env import TestBedEnv

sys.path.insert(0, "/usr/lib/python3/dist-packages")
from samba import param  # noqa: E402

MAPI_E_INVALID_PARAMETER = 0x80070057
MAPI_E_NOT_FOUND = 0x8004010F


class RfrGetNewDSAResponse(NDRCALL):
    structure = (
        ("ppszUnused", oxabref.PPUCHAR_ARRAY),
        ("ppszServer", oxabref.PPUCHAR_ARRAY),
        ("ErrorCode", ULONG),
    )


class RfrGetFQDNFromServerDNRaw(NDRCALL):
    """The request as the spec declares it, with cbMailboxServerDN set by
    the caller: impacket's helper always sends the right length."""
    opnum = 1
    structure = oxabref.RfrGetFQDNFromServerDN.structure


def c_string(text):
    return text + "\x00"


def text(value):
    """impacket hands a returned string back as a list of characters or an
    array of bytes; either way, the text without its terminator."""
    if isinstance(value, (bytes, bytearray)):
        value = value.decode()
    elif not isinstance(value, str):
        value = "".join(c.decode() if isinstance(c, bytes) else c for c in value)
    return value.rstrip("\x00")


class RfrTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        lp = param.LoadParm()
        lp.load(cls.bed.smb_conf)
        cls.fqdn = ("%s.%s" % (lp.get("netbios name"), lp.get("realm"))).lower()
        cls.netbios_name = lp.get("netbios name").upper()
        cls.organization = os.environ.get("OC_TESTBED_ORGANIZATION")
        cls.admin_group = os.environ.get("OC_TESTBED_ADMIN_GROUP")

    def connect(self):
        binding = epm.hept_map(self.bed.address, oxabref.MSRPC_UUID_OXABREF,
                               protocol="ncacn_ip_tcp")
        rpc = transport.DCERPCTransportFactory(binding)
        rpc.set_credentials(self.bed.admin_user, self.bed.admin_password, self.bed.domain)
        dce = rpc.get_dce_rpc()
        dce.set_auth_level(rpcrt.RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
        dce.connect()
        self.addCleanup(dce.disconnect)
        dce.bind(oxabref.MSRPC_UUID_OXABREF)
        return dce

    def get_new_dsa(self, dce, user_dn, unused=NULL):
        request = oxabref.RfrGetNewDSA()
        request["ulFlags"] = 0
        request["pUserDN"] = c_string(user_dn)
        request["ppszUnused"] = unused
        request["ppszServer"] = c_string("")
        dce.call(request.opnum, request)
        return RfrGetNewDSAResponse(dce.recv())

    def get_fqdn(self, dce, server_dn, length=None):
        request = RfrGetFQDNFromServerDNRaw()
        request["ulFlags"] = 0
        request["szMailboxServerDN"] = c_string(server_dn)
        request["cbMailboxServerDN"] = len(server_dn) + 1 if length is None else length
        dce.call(request.opnum, request)
        return oxabref.RfrGetFQDNFromServerDNResponse(dce.recv())

    # ------------------------------------------------ 3.1.4.1 RfrGetNewDSA

    def test_get_new_dsa_names_this_server(self):
        dce = self.connect()
        for user_dn in ("/o=First Organization/ou=First Administrative Group/cn=Recipients/cn=x",
                        ""):
            with self.subTest(user_dn=user_dn):
                resp = self.get_new_dsa(dce, user_dn)
                self.assertEqual(resp["ErrorCode"], 0)
                self.assertEqual(text(resp["ppszServer"]), self.fqdn)

    def test_get_new_dsa_ignores_unused(self):
        # 3.1.4.1: "Other values MUST be ignored by the server."
        resp = self.get_new_dsa(self.connect(), "", unused=c_string("anything"))
        self.assertEqual(resp["ErrorCode"], 0)
        self.assertEqual(text(resp["ppszServer"]), self.fqdn)

    def test_get_new_dsa_impacket_helper(self):
        resp = oxabref.hRfrGetNewDSA(self.connect(), "")
        self.assertEqual(text(resp["ppszServer"]), self.fqdn)

    # ------------------------------------- 3.1.4.2 RfrGetFQDNFromServerDN

    def server_dn(self):
        if not self.organization or not self.admin_group:
            self.skipTest("the test bed has no Exchange organization (OC_TESTBED_ORGANIZATION)")
        return "/o=%s/ou=%s/cn=Configuration/cn=Servers/cn=%s" % (
            self.organization, self.admin_group, self.netbios_name)

    def test_fqdn_of_this_server_and_its_databases(self):
        dce = self.connect()
        server_dn = self.server_dn()
        for dn in (server_dn, server_dn.upper(), server_dn + "/cn=Microsoft Private MDB",
                   server_dn + "/cn=Microsoft Public MDB"):
            with self.subTest(dn=dn):
                resp = self.get_fqdn(dce, dn)
                self.assertEqual(resp["ErrorCode"], 0)
                self.assertEqual(text(resp["ppszServerFQDN"]),
                                 self.fqdn)

    def test_fqdn_of_unknown_server_is_not_found(self):
        dce = self.connect()
        for dn in ("/o=Other Organization/ou=First Administrative Group/cn=Configuration"
                   "/cn=Servers/cn=%s" % self.netbios_name,
                   "/o=First Organization/ou=First Administrative Group/cn=Configuration"
                   "/cn=Servers/cn=NOSUCHSERVER"):
            with self.subTest(dn=dn):
                self.assertEqual(self.get_fqdn(dce, dn)["ErrorCode"], MAPI_E_NOT_FOUND)

    def test_fqdn_of_malformed_dn_is_invalid_parameter(self):
        dce = self.connect()
        for dn in ("not a distinguished name",
                   "/o=Org/ou=AG/cn=Recipients/cn=alice",
                   "/o=Org/ou=AG/cn=Configuration/cn=Servers",
                   "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=a/cn=b/cn=c",
                   "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn="):
            with self.subTest(dn=dn):
                self.assertEqual(self.get_fqdn(dce, dn)["ErrorCode"], MAPI_E_INVALID_PARAMETER)

    def test_fqdn_length_must_match_the_string(self):
        # cbMailboxServerDN sizes the conformant string: a count that does
        # not match the string on the wire does not unmarshal.
        dn = "/o=Org/ou=AG/cn=Configuration/cn=Servers/cn=SRV"
        with self.assertRaises(rpcrt.DCERPCException) as caught:
            self.get_fqdn(self.connect(), dn, length=len(dn) + 5)
        self.assertIn("rpc_x_bad_stub_data", str(caught.exception))

    def test_get_new_dsa_without_server_pointer(self):
        # ppszServer is [in,out,unique]: a NULL leaves the server nowhere to
        # answer, which is the caller's error, not a fault.
        request = oxabref.RfrGetNewDSA()
        request["ulFlags"] = 0
        request["pUserDN"] = c_string("")
        request["ppszUnused"] = NULL
        request["ppszServer"] = NULL
        dce = self.connect()
        dce.call(request.opnum, request)
        resp = RfrGetNewDSAResponse(dce.recv())
        self.assertEqual(resp["ErrorCode"], MAPI_E_INVALID_PARAMETER)

    def test_fqdn_length_out_of_range_faults(self):
        # cbMailboxServerDN is [range(10,1024)]: outside it the stub does
        # not unmarshal, which is an RPC fault, not a MAPI error.
        with self.assertRaises(rpcrt.DCERPCException) as caught:
            self.get_fqdn(self.connect(), "/o=a", length=5)
        self.assertIn("rpc_x_bad_stub_data", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
