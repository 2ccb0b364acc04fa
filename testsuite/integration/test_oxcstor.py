"""MS-OXCSTOR store ROPs (RopLogon, RopGetReceiveFolder) over EMSMDB.

testsuite/integration/emsmdb_client_check's `rops` command sends one ROP
buffer in one session; the buffers are written here byte by byte from
MS-OXCROPS 2.2.3 and MS-OXCSTOR 2.2.1, independently of the server's codec.
"""
import os
import struct
import sys
import unittest
import uuid

import ldb

from oc_testbed_env import TestBedEnv
from test_emsmdb import (EC_NULL_OBJECT, EC_RPC_FORMAT, EC_SUCCESS, EC_UNKNOWN_USER, NONE_HANDLE,
                         ROP_LOGON, ROP_RELEASE, rop_buffer)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

EC_ACCESS_DENIED = 0x80070005
EC_LOGIN_FAILURE = 0x80040111
EC_INVALID_PARAMETER = 0x80070057
EC_WRONG_SERVER = 0x00000478

ROP_GET_RECEIVE_FOLDER = 0x27
ROP_LONG_TERM_ID_FROM_ID = 0x43
ROP_ID_FROM_LONG_TERM_ID = 0x44
EC_NOT_FOUND = 0x8004010F

# MS-OXCSTOR 2.2.1.1.1
LOGON_PRIVATE = 0x01
OPEN_PUBLIC = 0x00000002
OPEN_USE_PER_MDB_REPLID_MAPPING = 0x01000000

# RopId, OutputHandleIndex, ReturnValue, LogonFlags, 13 FIDs, ResponseFlags,
# MailboxGuid, ReplId, ReplGuid, LogonTime (6 bytes + Year), GwartTime, StoreState
PRIVATE_LOGON = struct.Struct("<BBIB13QB16sH16sBBBBBBHQI")


def logon(essdn, logon_id=0, output_index=0, logon_flags=LOGON_PRIVATE,
          open_flags=OPEN_USE_PER_MDB_REPLID_MAPPING, essdn_bytes=None):
    """RopLogon (MS-OXCROPS 2.2.3.1.1); Essdn NUL-terminated unless essdn_bytes says otherwise."""
    raw = essdn.encode("ascii") + b"\0" if essdn_bytes is None else essdn_bytes
    return (bytes([ROP_LOGON, logon_id, output_index, logon_flags])
            + struct.pack("<IIH", open_flags, 0, len(raw)) + raw)


def get_receive_folder(message_class, logon_id=0, index=0):
    return bytes([ROP_GET_RECEIVE_FOLDER, logon_id, index]) + message_class.encode("ascii") + b"\0"


def split(reply):
    rop_size = struct.unpack_from("<H", reply)[0]
    table = reply[rop_size:]
    return reply[2:rop_size], [struct.unpack_from("<I", table, i)[0] for i in range(0, len(table), 4)]


class OxcstorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.program = cls.bed.built_program("emsmdb_client_check")
        cls.users = {name: testbed.add_mailbox_user(name) for name in ("oxcstor1", "oxcstor2")}

    def run_rops(self, rops, user="oxcstor1", handles=(NONE_HANDLE,), essdn=None):
        import subprocess
        dn = essdn or self.users[user]["legacyExchangeDN"]
        command = [self.program, "--server", self.bed.address, "--user", user,
                   "--password", self.users[user]["password"], "--domain", self.bed.domain,
                   "rops", dn, rop_buffer(rops, handles).hex()]
        done = subprocess.run(command, capture_output=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        facts = dict(line.partition(" ")[::2] for line in done.stdout.decode().splitlines())
        self.assertEqual(int(facts["alive"], 16), EC_SUCCESS, "the session must survive")
        return int(facts["result"], 16), facts.get("reply")

    def record(self, user):
        """The user's mailbox record in openchange.ldb (doc/directory.md)."""
        db = ldb.Ldb(os.environ["OC_TESTBED_OPENCHANGE_LDB"], flags=ldb.FLG_RDONLY)
        dn = self.users[user]["legacyExchangeDN"]
        res = db.search(expression="(&(objectClass=mailbox)(legacyExchangeDN=%s))" % dn,
                        attrs=["mailboxGUID", "replicaGUID", "replicaID", "mapistoreURI"])
        self.assertEqual(len(res), 1)
        return {key: str(res[0][key]) for key in ("mailboxGUID", "replicaGUID", "replicaID",
                                                   "mapistoreURI")}

    def private_logon(self, data):
        fields = PRIVATE_LOGON.unpack_from(data)
        return {"rop": fields[0], "index": fields[1], "result": fields[2], "flags": fields[3],
                "fids": list(fields[4:17]), "response_flags": fields[17],
                "mailbox_guid": uuid.UUID(bytes_le=fields[18]), "repl_id": fields[19],
                "repl_guid": uuid.UUID(bytes_le=fields[20]), "year": fields[27],
                "store_state": fields[29]}

    def test_owner_logon(self):
        dn = self.users["oxcstor1"]["legacyExchangeDN"]
        # two logons in one call (LogonIds 0 and 1), and one more in another session
        result, reply = self.run_rops([logon(dn, 0, 0), logon(dn.upper(), 1, 1)],
                                      handles=(NONE_HANDLE, NONE_HANDLE))
        self.assertEqual(result, EC_SUCCESS)
        rops, handles = split(bytes.fromhex(reply))
        self.assertEqual(len(rops), 2 * PRIVATE_LOGON.size)
        first = self.private_logon(rops)
        second = self.private_logon(rops[PRIVATE_LOGON.size:])
        self.assertEqual((first["rop"], first["index"], first["result"]), (ROP_LOGON, 0, EC_SUCCESS))
        self.assertEqual((second["index"], second["result"]), (1, EC_SUCCESS))
        self.assertEqual(first["flags"], LOGON_PRIVATE)
        self.assertEqual(len(set(first["fids"])), 13, "the 13 special folders are distinct")
        self.assertNotIn(0, first["fids"])
        self.assertEqual(first["fids"], second["fids"])
        self.assertEqual(first["response_flags"] & 0x01, 0x01, "Reserved MUST be set")
        self.assertEqual(first["response_flags"] & 0x02, 0x02, "the owner has OwnerRight")
        self.assertEqual(first["store_state"], 0)
        self.assertGreaterEqual(first["year"], 2024)
        record = self.record("oxcstor1")
        self.assertEqual(first["mailbox_guid"], uuid.UUID(record["mailboxGUID"]))
        self.assertEqual(first["repl_guid"], uuid.UUID(record["replicaGUID"]))
        self.assertEqual(first["repl_id"], int(record["replicaID"]))
        # FIDs carry the replica id in their low 16 bits as stored (MS-OXCDATA 2.2.1.1)
        self.assertTrue(all(fid & 0xFFFF == int(record["replicaID"]) for fid in first["fids"]))
        self.assertEqual(len(set(handles)), 2)
        self.assertNotIn(NONE_HANDLE, handles)
        path = record["mapistoreURI"].split("://", 1)[-1]
        self.assertTrue(os.path.exists(path), path)

        result, reply = self.run_rops([logon(dn)])
        self.assertEqual(result, EC_SUCCESS)
        self.assertEqual(self.private_logon(split(bytes.fromhex(reply))[0])["fids"], first["fids"])

    def test_each_user_has_a_mailbox_of_their_own(self):
        replies = {}
        for user in ("oxcstor1", "oxcstor2"):
            result, reply = self.run_rops([logon(self.users[user]["legacyExchangeDN"])], user=user)
            self.assertEqual(result, EC_SUCCESS)
            replies[user] = self.private_logon(split(bytes.fromhex(reply))[0])
            self.assertEqual(replies[user]["mailbox_guid"],
                             uuid.UUID(self.record(user)["mailboxGUID"]))
        self.assertNotEqual(replies["oxcstor1"]["mailbox_guid"], replies["oxcstor2"]["mailbox_guid"])

    def expect_error(self, rop, code, handles=(NONE_HANDLE,)):
        result, reply = self.run_rops([rop], handles=handles)
        self.assertEqual(result, EC_SUCCESS)
        rops, table = split(bytes.fromhex(reply))
        self.assertEqual(len(rops), 6, "the error form")
        self.assertEqual((rops[0], rops[1], struct.unpack_from("<I", rops, 2)[0]),
                         (ROP_LOGON, 0, code))
        self.assertEqual(table, list(handles))

    def test_another_users_mailbox_is_refused(self):
        # MS-OXCSTOR 3.2.5.1.3 ecAccessDenied: no delegate access is granted
        self.expect_error(logon(self.users["oxcstor2"]["legacyExchangeDN"]), EC_ACCESS_DENIED)

    def test_unknown_essdn(self):
        self.expect_error(logon("/o=Nowhere/ou=None/cn=Recipients/cn=nobody"), EC_UNKNOWN_USER)

    def test_mailbox_on_another_server_redirects(self):
        """MS-OXCSTOR 3.2.5.1.1 and 2.2.1.1.2: a user whose mailbox another
        server of the organization hosts gets ecWrongServer in the redirect
        form, LogonFlags echoed and ServerName that server's ESSDN, which
        RFR maps to its address.  A user homed here without a mailbox record
        stays ecUnknownUser."""
        moved = testbed.add_mailbox_user("oxcstormv")
        self.users["oxcstormv"] = moved
        server = testbed.move_mailbox_away("oxcstormv", "MBX2", "127.0.0.1")
        result, reply = self.run_rops([logon(moved["legacyExchangeDN"], logon_flags=LOGON_PRIVATE | 0x04)],
                                      user="oxcstormv")
        self.assertEqual(result, EC_SUCCESS)
        rops, _ = split(bytes.fromhex(reply))
        rop, index, value, flags, size = struct.unpack_from("<BBIBB", rops)
        self.assertEqual((rop, index, value, flags), (ROP_LOGON, 0, EC_WRONG_SERVER, 0x05))
        self.assertEqual(len(rops), 8 + size)
        self.assertEqual(rops[8:8 + size], server.encode("ascii") + b"\0")
        self.assertTrue(server.lower().endswith("/cn=servers/cn=mbx2"), server)
        # the same user, homed here again but without a mailbox record
        testbed.move_mailbox_away("oxcstormv", os.environ["OC_TESTBED_SERVER_NAME"], "127.0.0.1")
        result, reply = self.run_rops([logon(moved["legacyExchangeDN"])], user="oxcstormv")
        rops, _ = split(bytes.fromhex(reply))
        self.assertEqual(struct.unpack_from("<I", rops, 2)[0], EC_UNKNOWN_USER)

    def test_public_folder_logon(self):
        """MS-OXCSTOR 3.2.5.1.2 and 2.2.1.1.4: every mailbox user logs on to the
        organization's one public store; its folders open like any other."""
        from rop_session import RopSession
        public = logon("", logon_flags=0, open_flags=OPEN_PUBLIC | 0x01000000, essdn_bytes=b"")
        # RopId, OutputHandleIndex, ReturnValue, LogonFlags, 13 FIDs, ReplId, ReplGuid, PerUserGuid
        public_logon = struct.Struct("<BBIB13QH16s16s")
        seen = []
        for name in ("oxcstor1", "oxcstor2"):
            with RopSession(self.bed, name, self.users[name]) as session:
                rops, handles = session.call([public])
                self.assertEqual(len(rops), public_logon.size)
                fields = public_logon.unpack(rops)
                self.assertEqual(fields[:4], (ROP_LOGON, 0, EC_SUCCESS, 0))
                fids = fields[4:17]
                self.assertTrue(all(fids[:10]), "ten public folders")
                self.assertEqual(fids[10:], (0, 0, 0), "three empty")
                self.assertEqual(len(set(fids[:10])), 10)
                self.assertEqual(fields[19], bytes(16), "PerUserGuid is empty")
                seen.append((fids, fields[17], fields[18]))
                # the IPM subtree opens through the public logon
                value, _, _ = session.one(bytes([0x02, 0, 0, 1]) + struct.pack("<QB", fids[1], 0),
                                          [handles[0], NONE_HANDLE])
                self.assertEqual(value, EC_SUCCESS)
                # RopGetOwningServers (2.2.3.6): this server, also the cheapest
                value, rest, _ = session.one(bytes([0x42, 0, 0]) + struct.pack("<Q", fids[1]),
                                             [handles[0]])
                self.assertEqual(value, EC_SUCCESS)
                self.assertEqual(struct.unpack_from("<HH", rest), (1, 1))
                self.assertEqual(rest[4:].rstrip(b"\0").decode().lower(),
                                 os.environ["OC_TESTBED_SERVER_LEGACY_DN"].lower())
                # a private mailbox's ROP on the public logon: ecNotSupported
                value, _, _ = session.one(get_receive_folder("IPM.Note"), [handles[0]])
                self.assertEqual(value, 0x80040102)
        self.assertEqual(seen[0], seen[1], "one public store for the organization")
        # Private flag with the PUBLIC open flag, or neither: ecInvalidParam
        self.expect_error(logon("", logon_flags=0, open_flags=0x01000000, essdn_bytes=b""),
                          EC_INVALID_PARAMETER)

    def test_malformed_logon(self):
        dn = self.users["oxcstor1"]["legacyExchangeDN"].encode("ascii")
        # an Essdn without its terminator: the ROP fails, the session survives
        self.expect_error(logon("", essdn_bytes=dn), EC_INVALID_PARAMETER)
        # a request cut short: the whole call fails with ecRpcFormat (MS-OXCROPS 3.2.5.1)
        result, _ = self.run_rops([logon(dn.decode())[:-5]])
        self.assertEqual(result, EC_RPC_FORMAT)

    def test_receive_folder_and_release(self):
        dn = self.users["oxcstor1"]["legacyExchangeDN"]
        result, reply = self.run_rops([logon(dn), get_receive_folder("IPM.Note"),
                                       get_receive_folder(""),
                                       bytes([ROP_RELEASE, 0, 0]), get_receive_folder("IPM.Note")])
        self.assertEqual(result, EC_SUCCESS)
        rops, handles = split(bytes.fromhex(reply))
        inbox = self.private_logon(rops)["fids"][4]
        rest = rops[PRIVATE_LOGON.size:]
        rop, index, code, fid = struct.unpack_from("<BBIQ", rest)
        self.assertEqual((rop, index, code, fid), (ROP_GET_RECEIVE_FOLDER, 0, EC_SUCCESS, inbox))
        self.assertEqual(rest[14:18], b"IPM\0")
        rest = rest[18:]
        rop, index, code, fid = struct.unpack_from("<BBIQ", rest)
        self.assertEqual((code, fid), (EC_SUCCESS, inbox))
        self.assertEqual(rest[14:15], b"\0")
        rest = rest[15:]
        # after RopRelease the logon's handle names nothing
        self.assertEqual(rest, bytes([ROP_GET_RECEIVE_FOLDER, 0]) + struct.pack("<I", EC_NULL_OBJECT))
        self.assertNotEqual(handles[0], NONE_HANDLE)

    def test_long_term_ids(self):
        dn = self.users["oxcstor1"]["legacyExchangeDN"]
        result, reply = self.run_rops([logon(dn)])
        fids = self.private_logon(split(bytes.fromhex(reply))[0])["fids"]
        replica_guid = uuid.UUID(self.record("oxcstor1")["replicaGUID"])
        # MS-OXCSTOR 3.2.5.8 / 3.2.5.9: every special folder's FID to its LongTermID and back
        rops = [logon(dn)]
        for fid in fids:
            rops.append(bytes([ROP_LONG_TERM_ID_FROM_ID, 0, 0]) + struct.pack("<Q", fid))
            # a LongTermID is the REPLGUID, the FID's 6 counter bytes and a zero Pad
            rops.append(bytes([ROP_ID_FROM_LONG_TERM_ID, 0, 0]) + replica_guid.bytes_le
                        + struct.pack("<Q", fid)[2:] + b"\0\0")
        rops.append(bytes([ROP_LONG_TERM_ID_FROM_ID, 0, 0]) + struct.pack("<Q", fids[0] | 0xFFFF))
        result, reply = self.run_rops(rops)
        self.assertEqual(result, EC_SUCCESS)
        rest = split(bytes.fromhex(reply))[0][PRIVATE_LOGON.size:]
        for fid in fids:
            rop, _, code, guid, counter, pad = struct.unpack_from("<BBI16s6sH", rest)
            self.assertEqual((rop, code, uuid.UUID(bytes_le=guid), counter, pad),
                             (ROP_LONG_TERM_ID_FROM_ID, EC_SUCCESS, replica_guid,
                              struct.pack("<Q", fid)[2:], 0))
            rop, _, code, object_id = struct.unpack_from("<BBIQ", rest, 30)
            self.assertEqual((rop, code, object_id), (ROP_ID_FROM_LONG_TERM_ID, EC_SUCCESS, fid))
            rest = rest[44:]
        self.assertEqual(rest, bytes([ROP_LONG_TERM_ID_FROM_ID, 0]) + struct.pack("<I", EC_NOT_FOUND))

    def test_handles_live_across_calls(self):
        """MS-OXCROPS 3.2.5.1: a Server object handle stays valid for later
        EcDoRpcExt2 calls of the session until RopRelease."""
        from rop_session import RopSession
        user = self.users["oxcstor1"]
        with RopSession(self.bed, "oxcstor1", user) as session:
            logon_handle = session.logon()
            self.assertEqual(session.folder_ids["root"] & 0xFFFF, 1)
            for _ in range(2):
                value, rest, _ = session.one(get_receive_folder("IPM.Note"), [logon_handle])
                self.assertEqual(value, EC_SUCCESS)
                self.assertEqual(struct.unpack_from("<Q", rest)[0], session.folder_ids["inbox"])
            session.release(logon_handle)
            value, _, _ = session.one(get_receive_folder("IPM.Note"), [logon_handle])
            self.assertEqual(value, EC_NULL_OBJECT)

    def test_receive_folder_table_and_store_state(self):
        """MS-OXCSTOR 3.2.5.3, 3.2.5.4, 3.2.5.5 over the wire."""
        from rop_session import RopSession
        user = self.users["oxcstor2"]
        with RopSession(self.bed, "oxcstor2", user) as session:
            logon_handle = session.logon()
            sent = session.folder_ids["sent_items"]
            # RopSetReceiveFolder (MS-OXCROPS 2.2.3.3.1): FolderId, MessageClass
            set_rf = bytes([0x26, 0, 0]) + struct.pack("<Q", sent) + b"IPM.Wire.Test\0"
            value, _, _ = session.one(set_rf, [logon_handle])
            self.assertEqual(value, EC_SUCCESS)
            value, _, _ = session.one(bytes([0x26, 0, 0]) + struct.pack("<Q", 0) + b"\0", [logon_handle])
            self.assertEqual(value, 0x80004005, "the default entry cannot be removed")
            # RopGetReceiveFolderTable (2.2.3.4): RowCount, then standard rows of
            # FolderId, MessageClass (8-bit, NUL-terminated), LastModificationTime
            value, rest, _ = session.one(bytes([0x68, 0, 0]), [logon_handle])
            self.assertEqual(value, EC_SUCCESS)
            count, offset, rows = struct.unpack_from("<I", rest)[0], 4, {}
            for _ in range(count):
                self.assertEqual(rest[offset], 0, "StandardPropertyRow")
                fid = struct.unpack_from("<Q", rest, offset + 1)[0]
                end = rest.index(b"\0", offset + 9)
                rows[rest[offset + 9:end].decode("ascii")] = fid
                offset = end + 1 + 8
            self.assertEqual(offset, len(rest))
            self.assertEqual(rows["IPM.Wire.Test"], sent)
            self.assertEqual(rows[""], session.folder_ids["inbox"])
            # RopGetStoreState (2.2.3.5): no active search folders
            value, rest, _ = session.one(bytes([0x7B, 0, 0]), [logon_handle])
            self.assertEqual((value, struct.unpack("<I", rest)[0]), (EC_SUCCESS, 0))


if __name__ == "__main__":
    unittest.main()
