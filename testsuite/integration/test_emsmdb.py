"""EMSMDB and AsyncEMSMDB (MS-OXCRPC) as libmapi's EMSMDB client sees them.

testsuite/integration/emsmdb_client_check (built on libmapi/emsmdb_client.c)
drives the server; these tests read what it prints.  ROP buffers are written
here byte by byte from MS-OXCROPS, independently of the server's codec.
"""
import os
import re
import struct
import subprocess
import sys
import unittest

from oc_testbed_env import TestBedEnv

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

# MS-OXCDATA 2.4 / MS-OXCRPC 3.1.4 return values
EC_SUCCESS = 0x00000000
EC_ACCESS_DENIED = 0x80070005
EC_UNKNOWN_USER = 0x000003EB
EC_LOGIN_PERM = 0x000003F2
EC_VERSION_MISMATCH = 0x80040110
EC_RPC_FORMAT = 0x000004B6
EC_RPC_FAILED = 0x80040115
EC_NULL_OBJECT = 0x000004B9
EC_NOT_SUPPORTED = 0x80040102
EC_TOO_MANY_SESSIONS = 0x80040112
EC_BUFFER_TOO_SMALL = 0x0000047D

# MS-OXCROPS 2.2.2 RopIds
ROP_RELEASE = 0x01
# MS-OXOMSG submission, not served yet: the tests' unsupported ROP
ROP_GET_TRANSPORT_FOLDER = 0x6D
ROP_LOGON = 0xFE
ROP_BUFFER_TOO_SMALL = 0xFF

# RPC_HEADER_EXT Flags (MS-OXCRPC 2.2.2.1) and pulFlags (3.1.4.2)
RHE_COMPRESSED, RHE_XORMAGIC, RHE_LAST = 0x1, 0x2, 0x4
NO_COMPRESSION, NO_XOR_MAGIC = 0x1, 0x2

NONE_HANDLE = 0xFFFFFFFF


def rop_buffer(rops, handles=(NONE_HANDLE,)):
    """A ROP input buffer (MS-OXCROPS 2.2.1): RopSize, RopsList, handle table."""
    body = b"".join(rops)
    return struct.pack("<H", len(body) + 2) + body + b"".join(struct.pack("<I", h) for h in handles)


def unsupported_rop(index=0):
    """RopGetTransportFolder (MS-OXCROPS 2.2.7.8): RopId, LogonId, InputHandleIndex."""
    return bytes([ROP_GET_TRANSPORT_FOLDER, 0, index])


def parse_replies(data):
    """A ROP output buffer: (list of (RopId, index, ReturnValue, rest)), handles."""
    rop_size = struct.unpack_from("<H", data)[0]
    rops, offset, out = data[2:rop_size], 0, []
    while offset < len(rops):
        rop_id = rops[offset]
        if rop_id == ROP_BUFFER_TOO_SMALL:
            needed = struct.unpack_from("<H", rops, offset + 1)[0]
            out.append((rop_id, needed, None, rops[offset + 3:]))
            break
        index, value = rops[offset + 1], struct.unpack_from("<I", rops, offset + 2)[0]
        # every response these tests provoke is an error form or GetStoreState's
        size = 6 if value != 0 else 10
        out.append((rop_id, index, value, rops[offset + 6:offset + size]))
        offset += size
    table = data[rop_size:]
    handles = [struct.unpack_from("<I", table, i)[0] for i in range(0, len(table), 4)]
    return out, handles


class EmsmdbTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.program = cls.bed.built_program("emsmdb_client_check")
        cls.users = {name: testbed.add_mailbox_user(name)
                     for name in ("emsmdb1", "emsmdb2", "emsmdb3")}
        # a name no other test of the shared bed uses: NSPI tests resolve by name
        cls.users["emsmdb4"] = testbed.add_mailbox_user("emsmdb4", given_name="Ren\u00e9e",
                                                        surname="Bront\u00eb")
        cls.dn = cls.users["emsmdb1"]["legacyExchangeDN"]

    def run_check(self, *args, user="emsmdb1", expect_status=0, timeout=60):
        command = [self.program, "--server", self.bed.address, "--user", user,
                   "--password", self.users[user]["password"], "--domain", self.bed.domain]
        done = subprocess.run(command + [str(a) for a in args], capture_output=True, timeout=timeout)
        self.assertEqual(done.returncode, expect_status,
                         "emsmdb_client_check %s: %s" % (" ".join(map(str, args)), done.stderr.decode()))
        facts = {}
        # 8-bit strings (szDisplayName) are in the client's code page, not UTF-8
        for line in done.stdout.decode("utf-8", "surrogateescape").splitlines():
            key, _, value = line.partition(" ")
            facts[key] = value
        return facts

    def test_display_name_in_the_clients_code_page(self):
        # MS-OXCRPC 3.1.4.1: 8-bit text goes out in ulCpid's code page (1252 here)
        facts = self.run_check("connect", self.users["emsmdb4"]["legacyExchangeDN"], user="emsmdb4")
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
        self.assertEqual(facts["display_name"].encode("utf-8", "surrogateescape"),
                         "Ren\u00e9e Bront\u00eb".encode("cp1252"))

    @staticmethod
    def code(text):
        return int(text, 16)

    def rops(self, buffer, *extra):
        facts = self.run_check("rops", self.dn, buffer.hex(), *extra)
        self.assertEqual(self.code(facts["alive"]), EC_SUCCESS, "the session must survive")
        return facts

    # ---------------------------------------------------------- EcDoConnectEx

    def test_connect_as_owner(self):
        facts = self.run_check("connect", self.dn)
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
        # rgwBestVersion is the client's own version on success (3.1.4.1)
        self.assertEqual(facts["best_version"], "3072 39193 1000")
        major_minor, build, _ = map(int, facts["server_version"].split())
        self.assertTrue(build & 0x8000, "the server version uses the high-bit form")
        self.assertGreaterEqual(major_minor >> 8, 12)
        self.assertEqual(facts["polls_max"], "60000")
        self.assertEqual(facts["retry_count"], "6")
        self.assertEqual(facts["retry_delay"], "10000")
        self.assertEqual(facts["dn_prefix"], self.dn[:self.dn.rindex("/") + 1])
        self.assertEqual(facts["display_name"].lower(), "emsmdb1")
        self.assertEqual(self.code(facts["dummy"]), EC_SUCCESS)
        self.assertEqual(self.code(facts["disconnect"]), EC_SUCCESS)

    def test_distinct_session_indexes(self):
        first = self.run_check("connect", self.dn)
        second = self.run_check("connect", self.dn)
        self.assertEqual(self.code(second["result"]), EC_SUCCESS)
        self.assertGreater(int(second["time_stamp"]), 1600000000)
        self.assertNotEqual(first["session_index"], second["session_index"])

    def test_connect_as_another_user_is_refused(self):
        facts = self.run_check("connect", self.dn, user="emsmdb2")
        self.assertEqual(self.code(facts["result"]), EC_ACCESS_DENIED)
        self.assertNotIn("polls_max", facts)

    def test_unknown_and_empty_dn(self):
        facts = self.run_check("connect", "/o=Nowhere/ou=Nothing/cn=Recipients/cn=nobody")
        self.assertEqual(self.code(facts["result"]), EC_UNKNOWN_USER)
        facts = self.run_check("connect", "")
        self.assertEqual(self.code(facts["result"]), EC_ACCESS_DENIED)

    def test_admin_flag_needs_administrators(self):
        facts = self.run_check("connect", self.dn, "--connect-flags", "0x1")
        self.assertEqual(self.code(facts["result"]), EC_LOGIN_PERM)

    def test_client_version_too_old(self):
        # 10.00.0100.000: below the protocol's minimum 11.0.0.0 (3.2.4.1.3.2)
        facts = self.run_check("connect", self.dn, "--version", "2560.%d.0" % (0x8000 | 100))
        self.assertEqual(self.code(facts["result"]), EC_VERSION_MISMATCH)
        self.assertEqual(facts["best_version"], "2816 32768 0")

    def test_client_11_with_public_folders(self):
        """MS-OXCRPC 3.1.4.1: the organization has a public store, so a client
        older than 12.0 connects without the ExOrgInfo flag, and AUX_EXORGINFO
        says PUBLIC_FOLDERS_ENABLED when asked."""
        version = "2816.%d.0" % (0x8000 | 8000)
        facts = self.run_check("connect", self.dn, "--version", version)
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
        facts = self.run_check("connect", self.dn, "--version", version, "--connect-flags", "0x8000")
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
        # rgbAuxOut: RPC_HEADER_EXT (Last) + AUX_HEADER(8, v1, AUX_TYPE_EXORGINFO) + OrgFlags 1
        aux = bytes.fromhex(facts["aux_out"])
        version_, flags, size, actual = struct.unpack_from("<HHHH", aux)
        self.assertEqual((version_, flags & RHE_LAST, size), (0, RHE_LAST, len(aux) - 8))
        self.assertEqual(aux[8:], bytes([8, 0, 1, 0x17, 1, 0, 0, 0]))

    def test_sessions_per_connection_limit(self):
        facts = self.run_check("sessions", self.dn, 20)
        self.assertEqual(facts["opened"], "16")
        self.assertEqual(self.code(facts["result"]), EC_TOO_MANY_SESSIONS)

    def test_sessions_per_user_limit(self):
        # 32 sessions of one user in the process (mapiproxy:max_sessions_per_user)
        dn = self.users["emsmdb3"]["legacyExchangeDN"]
        facts = self.run_check("clients", dn, 40, user="emsmdb3")
        self.assertEqual(facts["opened"], "32")
        self.assertEqual(self.code(facts["result"]), EC_TOO_MANY_SESSIONS)
        # they all ended with their connections
        facts = self.run_check("connect", dn, user="emsmdb3")
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)

    def test_auxiliary_input(self):
        # AUX_PERF_CLIENTINFO-less but valid: AUX_PERF_REQUESTID, an unknown block, AUX_CLIENT_CONTROL
        blocks = (struct.pack("<HBBHH", 8, 1, 0x01, 1, 2)
                  + struct.pack("<HBB", 8, 1, 0x7F) + b"\x01\x02\x03\x04"
                  + struct.pack("<HBBII", 12, 1, 0x0A, 0x4, 60000))
        aux = struct.pack("<HHHH", 0, RHE_LAST, len(blocks), len(blocks)) + blocks
        facts = self.run_check("connect", self.dn, "--aux-in", aux.hex())
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
        # a block running past the payload, and an RPC_HEADER_EXT that lies
        bad_block = struct.pack("<HHHH", 0, RHE_LAST, 4, 4) + struct.pack("<HBB", 40, 1, 0x01)
        facts = self.run_check("connect", self.dn, "--aux-in", bad_block.hex())
        self.assertEqual(self.code(facts["result"]), EC_RPC_FORMAT)
        facts = self.run_check("connect", self.dn, "--aux-in", aux[:8].hex())
        self.assertEqual(self.code(facts["result"]), EC_RPC_FORMAT)
        facts = self.run_check("connect", self.dn, "--aux-in", "000004")
        self.assertEqual(self.code(facts["result"]), EC_RPC_FAILED)

    # ---------------------------------------------------------- EcDoRpcExt2

    def test_unimplemented_rops_answer_not_supported(self):
        buffer = rop_buffer([unsupported_rop(1), unsupported_rop(0), unsupported_rop(0)],
                            handles=(NONE_HANDLE, NONE_HANDLE))
        facts = self.rops(buffer)
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
        replies, handles = parse_replies(bytes.fromhex(facts["reply"]))
        self.assertEqual([(r[0], r[1], r[2]) for r in replies],
                         [(ROP_GET_TRANSPORT_FOLDER, 1, EC_NOT_SUPPORTED),
                          (ROP_GET_TRANSPORT_FOLDER, 0, EC_NOT_SUPPORTED),
                          (ROP_GET_TRANSPORT_FOLDER, 0, EC_NOT_SUPPORTED)])
        self.assertEqual(handles, [NONE_HANDLE, NONE_HANDLE])

    def test_bad_handle_index_is_null_object(self):
        buffer = rop_buffer([unsupported_rop(7), unsupported_rop(0)])
        replies, _ = parse_replies(bytes.fromhex(self.rops(buffer)["reply"]))
        self.assertEqual([(r[0], r[1], r[2]) for r in replies],
                         [(ROP_GET_TRANSPORT_FOLDER, 7, EC_NULL_OBJECT),
                          (ROP_GET_TRANSPORT_FOLDER, 0, EC_NOT_SUPPORTED)])

    def test_release_has_no_response(self):
        buffer = rop_buffer([bytes([ROP_RELEASE, 0, 0]), bytes([ROP_RELEASE, 0, 9]),
                             unsupported_rop(0)], handles=(0x12345678,))
        replies, handles = parse_replies(bytes.fromhex(self.rops(buffer)["reply"]))
        self.assertEqual([(r[0], r[2]) for r in replies], [(ROP_GET_TRANSPORT_FOLDER, EC_NOT_SUPPORTED)])
        self.assertEqual(handles, [0x12345678])

    def test_unparsable_rop_buffers_fail_the_call_only(self):
        cases = {
            "unknown RopId": rop_buffer([bytes([0x00, 0, 0])]),
            "response-only RopId": rop_buffer([bytes([ROP_BUFFER_TOO_SMALL, 0, 0])]),
            "truncated request": rop_buffer([bytes([ROP_LOGON, 0, 0, 0x01, 0, 0])]),
            "RopSize past the end": b"\xff\x00\x01",
            "partial handle": rop_buffer([unsupported_rop(0)]) + b"\x01",
        }
        for name, buffer in cases.items():
            with self.subTest(name):
                facts = self.rops(buffer)
                self.assertEqual(self.code(facts["result"]), EC_RPC_FORMAT)

    def test_malformed_extended_buffers(self):
        good = rop_buffer([unsupported_rop(0)])
        header = struct.pack("<HHHH", 0, RHE_LAST, len(good), len(good))
        cases = {
            "shorter than RPC_HEADER_EXT": (b"\x00\x00\x04\x00", EC_RPC_FAILED),
            "bad version": (struct.pack("<HHHH", 1, RHE_LAST, len(good), len(good)) + good, EC_RPC_FORMAT),
            "undefined flag": (struct.pack("<HHHH", 0, 0x0C, len(good), len(good)) + good, EC_RPC_FORMAT),
            "no Last": (struct.pack("<HHHH", 0, 0, len(good), len(good)) + good, EC_RPC_FORMAT),
            "size past the end": (header[:4] + struct.pack("<HH", 0x100, 0x100) + good, EC_RPC_FORMAT),
            "corrupt LZ77": (struct.pack("<HHHH", 0, RHE_LAST | RHE_COMPRESSED, 6, 100)
                             + b"\xff\xff\xff\xff\x00\x10", EC_RPC_FORMAT),
        }
        for name, (rgb_in, expected) in cases.items():
            with self.subTest(name):
                facts = self.run_check("raw", self.dn, rgb_in.hex())
                self.assertEqual(self.code(facts["result"]), expected)
                self.assertEqual(facts["cb_out"], "0")
                self.assertEqual(self.code(facts["alive"]), EC_SUCCESS)
        facts = self.run_check("raw", self.dn, (header + good).hex())
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)

    def test_compression_and_obfuscation_both_ways(self):
        buffer = rop_buffer([unsupported_rop(0)] * 200)
        for options in (0, 1, 2, 3):
            for flags in (0, NO_COMPRESSION, NO_XOR_MAGIC, NO_COMPRESSION | NO_XOR_MAGIC):
                with self.subTest(options=options, flags=flags):
                    facts = self.rops(buffer, "--options", options, "--flags", flags)
                    self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
                    reply_flags = int(facts["reply_flags"])
                    self.assertEqual(bool(reply_flags & RHE_COMPRESSED), not flags & NO_COMPRESSION)
                    self.assertEqual(bool(reply_flags & RHE_XORMAGIC), not flags & NO_XOR_MAGIC)
                    replies, _ = parse_replies(bytes.fromhex(facts["reply"]))
                    self.assertEqual(len(replies), 200)
                    self.assertTrue(all(r[2] == EC_NOT_SUPPORTED for r in replies))

    def test_buffer_too_small(self):
        rops = [unsupported_rop(0)] * 20
        buffer = rop_buffer(rops)
        # room for the header, RopSize, the table and a few responses
        facts = self.rops(buffer, "--max-out", 8 + 2 + 4 + 6 * 5 + 3 + 3 * 20, "--flags", 3)
        self.assertEqual(self.code(facts["result"]), EC_SUCCESS)
        replies, _ = parse_replies(bytes.fromhex(facts["reply"]))
        self.assertEqual(replies[-1][0], ROP_BUFFER_TOO_SMALL)
        answered = len(replies) - 1
        self.assertGreater(answered, 0)
        # RequestBuffers: exactly the requests not processed
        self.assertEqual(replies[-1][3], b"".join(rops[answered:]))
        self.assertGreaterEqual(replies[-1][1], 8 + 2 + 4 + 6 * (20 - answered))
        # pcbOut below an RPC_HEADER_EXT: ecRpcFailed; too small for anything: ecBufferTooSmall
        facts = self.rops(buffer, "--max-out", 7)
        self.assertEqual(self.code(facts["result"]), EC_RPC_FAILED)
        facts = self.rops(buffer, "--max-out", 12)
        self.assertEqual(self.code(facts["result"]), EC_BUFFER_TOO_SMALL)

    def test_many_rops_in_one_call(self):
        buffer = rop_buffer([unsupported_rop(0)] * 1000)
        replies, _ = parse_replies(bytes.fromhex(self.rops(buffer)["reply"]))
        self.assertEqual(len(replies), 1000)

    # ---------------------------------------------------------- the other calls

    def test_disconnect_then_reuse(self):
        facts = self.run_check("stale", self.dn)
        self.assertEqual(self.code(facts["disconnect"]), EC_SUCCESS)
        # a released context handle is a context mismatch fault (MS-RPCE)
        self.assertIn("CONTEXT", facts["rpc"].upper())
        self.assertIn("CONTEXT", facts["disconnect-again"].upper())
        self.assertEqual(self.code(facts["dummy"]), EC_SUCCESS)

    def test_push_notifications_not_supported(self):
        facts = self.run_check("push", self.dn)
        self.assertEqual(self.code(facts["result"]), EC_NOT_SUPPORTED)

    def test_reserved_opnums(self):
        for opnum in (0, 2, 3, 5, 7, 8, 9, 12, 13):
            with self.subTest(opnum=opnum):
                facts = self.run_check("opnum", self.dn, opnum)
                self.assertIn("PROCNUM_OUT_OF_RANGE", facts["status"])
                self.assertEqual(self.code(facts["dummy"]), EC_SUCCESS)

    def test_async_wait_times_out(self):
        facts = self.run_check("async", self.dn)
        self.assertEqual(self.code(facts["async_connect"]), EC_SUCCESS)
        match = re.match(r"0x([0-9a-f]+) flags (\d+) seconds ([0-9.]+)", facts["wait"])
        self.assertIsNotNone(match, facts["wait"])
        self.assertEqual(int(match.group(1), 16), EC_SUCCESS)
        self.assertEqual(int(match.group(2)), 0, "no notification is pending")
        # smb.conf mapiproxy:async_wait_timeout = 3 (testsuite/runner.py)
        self.assertGreater(float(match.group(3)), 2.5)
        self.assertLess(float(match.group(3)), 10)

    def test_disconnect_releases_async_wait(self):
        facts = self.run_check("async", self.dn, "--disconnect")
        self.assertEqual(self.code(facts["disconnect"]), EC_SUCCESS)
        match = re.match(r"0x([0-9a-f]+) flags (\d+) seconds ([0-9.]+)", facts["wait"])
        self.assertEqual(int(match.group(1), 16), EC_SUCCESS)
        self.assertLess(float(match.group(3)), 2.0, "the wait ended with the session")

    def test_client_gone_during_async_wait(self):
        facts = self.run_check("async", self.dn, "--drop")
        self.assertEqual(facts["dropped"], "while waiting")
        self.assertEqual(self.code(facts["disconnect"]), EC_SUCCESS)
        self.assertEqual(self.code(facts["dummy"]), EC_SUCCESS)
        # the server lives on: a new session, and an async wait that completes
        self.assertEqual(self.code(self.run_check("connect", self.dn)["result"]), EC_SUCCESS)
        self.assertIn("wait", self.run_check("async", self.dn, "--disconnect"))


if __name__ == "__main__":
    unittest.main()
