"""smb.conf's mapiproxy:port pins all four interfaces to one TCP port.

Needs a DC of its own (the option is read when samba starts), so this test
starts a second test bed next to the shared one.
"""
import os
import random
import socket
import sys
import unittest

from impacket.dcerpc.v5 import epm, rpcrt, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

from oc_testbed_env import TestBedEnv
from test_mapiproxy_endpoints import INTERFACES

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testbed import TestBed  # noqa: E402


def unused_port():
    # Below both samba's dynamic RPC range (49152-65535) and Linux's
    # ephemeral range (32768-60999), so neither samba's own endpoints nor
    # an outgoing connection can take it between this probe and samba's bind.
    for port in random.sample(range(20000, 32768), 50):
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free TCP port in 20000-32767")


class PinnedPort(unittest.TestCase):
    def test_all_interfaces_on_the_pinned_port(self):
        TestBedEnv()  # only inside a test bed run: it installs the module
        port = unused_port()
        with TestBed(options={"mapiproxy:port": str(port)}, mapiproxy=True,
                     exchange=False) as bed:  # the port is all this checks
            for name, uuid, version, _ in INTERFACES:
                with self.subTest(interface=name):
                    binding = epm.hept_map(bed.address, uuidtup_to_bin((uuid, version)),
                                           protocol="ncacn_ip_tcp")
                    self.assertEqual(binding, "ncacn_ip_tcp:%s[%d]" % (bed.address, port))
            # and the pinned endpoint serves calls like the dynamic one
            rpc = transport.DCERPCTransportFactory("ncacn_ip_tcp:%s[%d]" % (bed.address, port))
            rpc.set_credentials(bed.admin_user, bed.admin_password, bed.domain)
            dce = rpc.get_dce_rpc()
            dce.set_auth_level(rpcrt.RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
            dce.connect()
            try:
                dce.bind(uuidtup_to_bin((INTERFACES[2][1], INTERFACES[2][2])))
                # EMSMDB opnum 12 is reserved (MS-OXCRPC 3.1.4.14): op_rng_error
                dce.call(12, b"\x00" * 16)
                with self.assertRaises(DCERPCException) as caught:
                    dce.recv()
                self.assertEqual(str(caught.exception), "nca_s_op_rng_error")
            finally:
                dce.disconnect()


if __name__ == "__main__":
    unittest.main()
