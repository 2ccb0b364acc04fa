"""MS-OXCPRPT property and stream ROPs over EMSMDB, session by session.

The ROP buffers are written here byte by byte from MS-OXCROPS 2.2.8 and
2.2.9 and MS-OXCDATA 2.8 to 2.11, independently of the server's codec;
rop_session.RopSession keeps a live session between calls.
"""
import os
import struct
import sys
import unittest
import uuid

from oc_testbed_env import TestBedEnv
from rop_session import NONE_HANDLE, RopSession

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

EC_SUCCESS = 0
EC_NOT_FOUND = 0x8004010F
EC_ACCESS_DENIED = 0x80070005
EC_NOT_ENOUGH_MEMORY = 0x8007000E

ROP_GET_PROPERTIES_SPECIFIC = 0x07
ROP_SET_PROPERTIES = 0x0A
ROP_OPEN_STREAM = 0x2B
ROP_READ_STREAM = 0x2C
ROP_WRITE_STREAM = 0x2D
ROP_SEEK_STREAM = 0x2E
ROP_COMMIT_STREAM = 0x5D
ROP_GET_PROPERTY_IDS_FROM_NAMES = 0x56

# MS-OXPROPS tags
PID_TAG_DISPLAY_NAME_W = 0x3001001F
PID_TAG_COMMENT_W = 0x3004001F
PID_TAG_CONTAINER_CLASS_W = 0x3613001F
PID_TAG_CONTENT_COUNT = 0x36020003
PID_TAG_FOLDER_ID = 0x67480014
PID_TAG_MAILBOX_OWNER_NAME_W = 0x661C001F
PID_TAG_STORE_SUPPORT_MASK = 0x340D0003
PID_TAG_IPM_SUBTREE_ENTRY_ID = 0x35E00102
PID_TAG_ENTRY_ID = 0x0FFF0102
PID_TAG_BODY_W = 0x1000001F

# MS-OXPROPS 1.3.2
PS_PUBLIC_STRINGS = uuid.UUID("00020329-0000-0000-c000-000000000046")

RUSSIAN = "Папка для важных писем: проверка"


def get_properties_specific(tags, index=0, unicode=True, size_limit=0):
    """RopGetPropertiesSpecific (MS-OXCROPS 2.2.8.3.1)."""
    return (bytes([ROP_GET_PROPERTIES_SPECIFIC, 0, index])
            + struct.pack("<HHH", size_limit, 1 if unicode else 0, len(tags))
            + b"".join(struct.pack("<I", t) for t in tags))


def tagged_value(tag, value):
    """A TaggedPropertyValue (MS-OXCDATA 2.11.4) of the few types the tests set."""
    kind = tag & 0xFFFF
    head = struct.pack("<I", tag)
    if kind == 0x001F:
        return head + value.encode("utf-16-le") + b"\0\0"
    if kind == 0x0003:
        return head + struct.pack("<I", value)
    if kind == 0x0014:
        return head + struct.pack("<Q", value)
    if kind == 0x0102:
        return head + struct.pack("<H", len(value)) + value
    raise ValueError(hex(tag))


def set_properties(values, index=0):
    """RopSetProperties (MS-OXCROPS 2.2.8.6.1): PropertyValueSize counts the count and the values."""
    body = b"".join(tagged_value(t, v) for t, v in values)
    return bytes([ROP_SET_PROPERTIES, 0, index]) + struct.pack("<HH", len(body) + 2, len(values)) + body


def string_name(guid, name):
    """A PropertyName of Kind MNID_STRING (MS-OXCDATA 2.6.1)."""
    raw = name.encode("utf-16-le") + b"\0\0"
    return bytes([0x01]) + guid.bytes_le + bytes([len(raw)]) + raw


def get_property_ids_from_names(names, create, index=0):
    """RopGetPropertyIdsFromNames (MS-OXCROPS 2.2.8.1.1); Flags 0x02 is Create."""
    return (bytes([ROP_GET_PROPERTY_IDS_FROM_NAMES, 0, index, 0x02 if create else 0x00])
            + struct.pack("<H", len(names)) + b"".join(names))


def open_stream(tag, mode, index=0, out=1):
    """RopOpenStream (MS-OXCROPS 2.2.9.1.1)."""
    return bytes([ROP_OPEN_STREAM, 0, index, out]) + struct.pack("<IB", tag, mode)


def read_value(kind, data, pos):
    """One PropertyValue (MS-OXCDATA 2.11.2) of KIND at POS: (value, next position)."""
    if kind == 0x001F:
        end = pos
        while data[end:end + 2] != b"\0\0":
            end += 2
        return data[pos:end].decode("utf-16-le"), end + 2
    if kind == 0x0003:
        return struct.unpack_from("<I", data, pos)[0], pos + 4
    if kind == 0x0014:
        return struct.unpack_from("<Q", data, pos)[0], pos + 8
    if kind == 0x0102:
        size = struct.unpack_from("<H", data, pos)[0]
        return data[pos + 2:pos + 2 + size], pos + 2 + size
    raise ValueError(hex(kind))


def read_row(tags, data):
    """A PropertyRow laid out by TAGS (MS-OXCDATA 2.8.1): {tag: value or ('error', code)}."""
    flag, pos, row = data[0], 1, {}
    for tag in tags:
        if flag == 0x01:
            value_flag = data[pos]
            pos += 1
            if value_flag == 0x0A:
                row[tag] = ("error", struct.unpack_from("<I", data, pos)[0])
                pos += 4
                continue
        row[tag], pos = read_value(tag & 0xFFFF, data, pos)
    return flag, row


class OxcprptTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.bed.built_program("emsmdb_client_check")
        cls.user = testbed.add_mailbox_user("oxcprpt1")

    def session(self):
        session = RopSession(self.bed, "oxcprpt1", self.user)
        self.addCleanup(session.close)
        session.logon()
        return session

    def get_props(self, session, handle, tags):
        value, rest, _ = session.one(get_properties_specific(tags), [handle])
        self.assertEqual(value, EC_SUCCESS)
        return read_row(tags, rest)

    def test_logon_store_properties(self):
        """MS-OXCSTOR 2.2.2.1: the store's name, owner, support mask and the IPM subtree's entry ID."""
        s = self.session()
        tags = [PID_TAG_DISPLAY_NAME_W, PID_TAG_MAILBOX_OWNER_NAME_W, PID_TAG_STORE_SUPPORT_MASK,
                PID_TAG_IPM_SUBTREE_ENTRY_ID]
        flag, row = self.get_props(s, s.logon_handle, tags)
        self.assertEqual(flag, 0x00, "every value is there: a StandardPropertyRow")
        owner = row[PID_TAG_MAILBOX_OWNER_NAME_W]
        self.assertTrue(owner)
        self.assertEqual(row[PID_TAG_DISPLAY_NAME_W], "Mailbox - " + owner)
        self.assertTrue(row[PID_TAG_STORE_SUPPORT_MASK] & 0x00040000, "STORE_UNICODE_OK")
        # the IPM subtree's entry ID is what that folder says of itself
        ipm = s.open_folder(s.folder_ids["ipm_subtree"])
        _, folder_row = self.get_props(s, ipm, [PID_TAG_ENTRY_ID])
        self.assertEqual(row[PID_TAG_IPM_SUBTREE_ENTRY_ID], folder_row[PID_TAG_ENTRY_ID])
        # MS-OXCDATA 2.2.4.1: Flags 0, then the mailbox's provider UID
        self.assertEqual(folder_row[PID_TAG_ENTRY_ID][:4], b"\0\0\0\0")
        self.assertEqual(len(folder_row[PID_TAG_ENTRY_ID]), 46)

    def test_inbox_properties(self):
        s = self.session()
        inbox = s.open_folder(s.folder_ids["inbox"])
        tags = [PID_TAG_DISPLAY_NAME_W, PID_TAG_CONTAINER_CLASS_W, PID_TAG_CONTENT_COUNT]
        flag, row = self.get_props(s, inbox, tags)
        self.assertEqual(flag, 0x00)
        self.assertEqual(row[PID_TAG_DISPLAY_NAME_W], "Inbox")
        self.assertEqual(row[PID_TAG_CONTAINER_CLASS_W], "IPF.Note")
        self.assertEqual(row[PID_TAG_CONTENT_COUNT], 0)

    def test_set_properties_durable(self):
        """MS-OXCPRPT 2.2.5: a folder's change is committed at once; a computed property is AccessDenied."""
        s = self.session()
        fid = s.folder_ids["sent_items"]
        folder = s.open_folder(fid)
        value, rest, _ = s.one(set_properties([(PID_TAG_COMMENT_W, RUSSIAN),
                                               (PID_TAG_FOLDER_ID, 42)]), [folder])
        self.assertEqual(value, EC_SUCCESS)
        count = struct.unpack_from("<H", rest)[0]
        self.assertEqual(count, 1)
        index, tag, code = struct.unpack_from("<HII", rest, 2)
        self.assertEqual((index, tag, code), (1, PID_TAG_FOLDER_ID, EC_ACCESS_DENIED))
        s.close()

        again = self.session()
        folder = again.open_folder(fid)
        flag, row = self.get_props(again, folder, [PID_TAG_COMMENT_W, PID_TAG_FOLDER_ID])
        self.assertEqual(flag, 0x00)
        self.assertEqual(row[PID_TAG_COMMENT_W], RUSSIAN)
        self.assertEqual(row[PID_TAG_FOLDER_ID], fid)

    def test_named_property_ids_stable(self):
        """MS-OXCPRPT 2.2.12: a created id is the mailbox's, for every later session."""
        name = string_name(PS_PUBLIC_STRINGS, "oxcprpt-%s" % uuid.uuid4())
        s = self.session()
        value, rest, _ = s.one(get_property_ids_from_names([name], create=False), [s.logon_handle])
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(struct.unpack_from("<HH", rest), (1, 0), "unknown without Create: 0")
        value, rest, _ = s.one(get_property_ids_from_names([name], create=True), [s.logon_handle])
        self.assertEqual(value, EC_SUCCESS)
        count, created = struct.unpack_from("<HH", rest)
        self.assertEqual(count, 1)
        self.assertGreaterEqual(created, 0x8000)
        s.close()

        again = self.session()
        inbox = again.open_folder(again.folder_ids["inbox"])
        value, rest, _ = again.one(get_property_ids_from_names([name], create=False), [inbox])
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(struct.unpack_from("<HH", rest), (1, created))

    def test_folder_stream(self):
        """MS-OXCPRPT 2.2.14 to 2.2.21 on a folder's binary property, read in another session."""
        tag = 0x66120102
        data = bytes(range(256)) * 12
        s = self.session()
        fid = s.folder_ids["deleted_items"]
        folder = s.open_folder(fid)
        value, _, _ = s.one(open_stream(tag, 0x00), [folder, NONE_HANDLE])
        self.assertEqual(value, EC_NOT_FOUND, "ReadOnly on an absent property")
        value, rest, table = s.one(open_stream(tag, 0x02), [folder, NONE_HANDLE])
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(struct.unpack_from("<I", rest)[0], 0)
        stream = table[1]
        for start in range(0, len(data), 1000):
            chunk = data[start:start + 1000]
            value, rest, _ = s.one(bytes([ROP_WRITE_STREAM, 0, 0]) + struct.pack("<H", len(chunk))
                                   + chunk, [stream])
            self.assertEqual((value, struct.unpack_from("<H", rest)[0]), (EC_SUCCESS, len(chunk)))
        value, _, _ = s.one(bytes([ROP_COMMIT_STREAM, 0, 0]), [stream])
        self.assertEqual(value, EC_SUCCESS)
        s.close()

        again = self.session()
        folder = again.open_folder(fid)
        value, rest, table = again.one(open_stream(tag, 0x00), [folder, NONE_HANDLE])
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(struct.unpack_from("<I", rest)[0], len(data))
        stream = table[1]
        value, rest, _ = again.one(bytes([ROP_SEEK_STREAM, 0, 0, 0]) + struct.pack("<q", 100), [stream])
        self.assertEqual((value, struct.unpack_from("<Q", rest)[0]), (EC_SUCCESS, 100))
        back = b""
        while True:
            # ByteCount 0xBABE: MaximumByteCount says how much
            value, rest, _ = again.one(bytes([ROP_READ_STREAM, 0, 0]) + struct.pack("<HI", 0xBABE, 700),
                                       [stream])
            self.assertEqual(value, EC_SUCCESS)
            size = struct.unpack_from("<H", rest)[0]
            self.assertLessEqual(size, 700)
            if size == 0:
                break
            back += rest[2:2 + size]
        self.assertEqual(back, data[100:])

    def test_message_body_through_a_stream(self):
        """A body larger than a row takes, written through a stream released without
        RopCommitStream, saved with the message; read in another session: NotEnoughMemory in a
        row (as Exchange answers), whole through a stream."""
        body = ("Зима. Крестьянин, торжествуя, 冬の朝 — hiver à l'œuvre. " * 800)[:40000]
        raw = body.encode("utf-16-le")
        s = self.session()
        inbox = s.open_folder(s.folder_ids["inbox"])
        # RopCreateMessage (MS-OXCROPS 2.2.6.2.1): CodePageId 0x0FFF, not associated
        create = bytes([0x06, 0, 0, 1]) + struct.pack("<HQB", 0x0FFF, s.folder_ids["inbox"], 0)
        value, rest, table = s.one(create, [inbox, NONE_HANDLE])
        self.assertEqual(value, EC_SUCCESS)
        has_mid, mid = struct.unpack_from("<BQ", rest)
        self.assertEqual(has_mid, 1)
        message = table[1]
        value, _, table = s.one(open_stream(PID_TAG_BODY_W, 0x02), [message, NONE_HANDLE])
        self.assertEqual(value, EC_SUCCESS)
        stream = table[1]
        for start in range(0, len(raw), 8000):
            chunk = raw[start:start + 8000]
            write = bytes([ROP_WRITE_STREAM, 0, 0]) + struct.pack("<H", len(chunk)) + chunk
            value, rest, _ = s.one(write, [stream])
            self.assertEqual((value, struct.unpack_from("<H", rest)[0]), (EC_SUCCESS, len(chunk)))
        s.release(stream)
        # RopSaveChangesMessage (MS-OXCROPS 2.2.6.3.1), KeepOpenReadOnly
        value, rest, _ = s.one(bytes([0x0C, 0, 0, 0, 0x01]), [message])
        self.assertEqual(value, EC_SUCCESS)
        s.close()

        again = self.session()
        inbox = again.open_folder(again.folder_ids["inbox"])
        # RopOpenMessage (MS-OXCROPS 2.2.6.1.1), read-only
        open_message = (bytes([0x03, 0, 0, 1])
                        + struct.pack("<HQBQ", 0x0FFF, again.folder_ids["inbox"], 0, mid))
        value, _, table = again.one(open_message, [inbox, NONE_HANDLE])
        self.assertEqual(value, EC_SUCCESS)
        message = table[1]
        flag, row = self.get_props(again, message, [PID_TAG_BODY_W])
        self.assertEqual(flag, 0x01)
        self.assertEqual(row[PID_TAG_BODY_W], ("error", EC_NOT_ENOUGH_MEMORY))
        value, rest, table = again.one(open_stream(PID_TAG_BODY_W, 0x00), [message, NONE_HANDLE])
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(struct.unpack_from("<I", rest)[0], len(raw))
        stream = table[1]
        back = b""
        while True:
            value, rest, _ = again.one(bytes([ROP_READ_STREAM, 0, 0]) + struct.pack("<H", 20000), [stream])
            self.assertEqual(value, EC_SUCCESS)
            size = struct.unpack_from("<H", rest)[0]
            if size == 0:
                break
            back += rest[2:2 + size]
        self.assertEqual(back.decode("utf-16-le"), body)


if __name__ == "__main__":
    unittest.main()
