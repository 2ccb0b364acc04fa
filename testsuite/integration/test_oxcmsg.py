"""MS-OXCMSG message and attachment ROPs over EMSMDB, against the test bed.

One live session per test (rop_session.RopSession); the ROP bytes are
written here from MS-OXCROPS 2.2.6 and the RecipientRows from MS-OXCDATA
2.8.3, independently of the server's codec.  What a ROP stored is read
back by a later ROP on a fresh object, or from the mailbox database.
"""
import os
import sqlite3
import struct
import sys
import unittest

import ldb

from oc_testbed_env import TestBedEnv
from rop_session import NONE_HANDLE, RopSession, release_rop

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

EC_SUCCESS = 0
EC_NOT_FOUND = 0x8004010F
EC_NULL_OBJECT = 0x000004B9
EC_ACCESS_DENIED = 0x80070005

ROP_OPEN_MESSAGE = 0x03
ROP_CREATE_MESSAGE = 0x06
ROP_SAVE_CHANGES_MESSAGE = 0x0C
ROP_MODIFY_RECIPIENTS = 0x0E
ROP_READ_RECIPIENTS = 0x0F
ROP_SET_MESSAGE_READ_FLAG = 0x11
ROP_SET_MESSAGE_STATUS = 0x20
ROP_GET_MESSAGE_STATUS = 0x1F
ROP_CREATE_ATTACHMENT = 0x23
ROP_SAVE_CHANGES_ATTACHMENT = 0x25
ROP_GET_VALID_ATTACHMENTS = 0x52

# MS-OXCMSG 2.2.3.3.1 SaveFlags, 2.2.3.11.1 ReadFlags
KEEP_OPEN_READ_WRITE = 0x02
RF_SUPPRESS_RECEIPT = 0x01
RF_CLEAR_READ_FLAG = 0x04
MSGFLAG_READ = 0x0001

# MS-OXCDATA 2.8.3.1 RecipientFlags
RECIP_SMTP = 0x0003
RECIP_E, RECIP_D, RECIP_U = 0x0008, 0x0010, 0x0200

PID_TAG_RECIPIENT_ORDER = 0x5FDF0003

# display name, address, RecipientType (MS-OXCMSG 2.2.3.1.2: 1 To, 2 Cc)
RECIPIENTS = (("Иван Петров", "ivan@example.com", 1), ("山田 太郎", "taro@example.jp", 2))


def utf16z(text):
    return text.encode("utf-16-le") + b"\0\0"


def read_utf16z(data, offset):
    end = offset
    while data[end:end + 2] != b"\0\0":
        end += 2
    return data[offset:end].decode("utf-16-le"), end + 2


def recipient_row(display, email, order):
    """An SMTP RecipientRow with UTF-16 strings and one column (RecipientOrder)."""
    return (struct.pack("<H", RECIP_SMTP | RECIP_E | RECIP_D | RECIP_U) + utf16z(email)
            + utf16z(display) + struct.pack("<HBI", 1, 0, order))


def parse_recipient_row(row):
    """(flags, email, display) of a RecipientRow the server sent (U set, no X500 part)."""
    flags = struct.unpack_from("<H", row)[0]
    offset, email, display = 2, None, None
    if flags & RECIP_E:
        email, offset = read_utf16z(row, offset)
    if flags & RECIP_D:
        display, offset = read_utf16z(row, offset)
    return flags, email, display


def create_message_rop(fid, input_index=0, output_index=1):
    """RopCreateMessage (MS-OXCROPS 2.2.6.2.1): CodePageId 0x0FFF, not associated."""
    return bytes([ROP_CREATE_MESSAGE, 0, input_index, output_index]) + struct.pack("<HQB", 0x0FFF, fid, 0)


def open_message_rop(fid, mid, mode=0, input_index=0, output_index=1):
    """RopOpenMessage (MS-OXCROPS 2.2.6.1.1)."""
    return (bytes([ROP_OPEN_MESSAGE, 0, input_index, output_index])
            + struct.pack("<HQBQ", 0x0FFF, fid, mode, mid))


def save_message_rop(flags=0, index=0):
    """RopSaveChangesMessage (MS-OXCROPS 2.2.6.3.1): ResponseHandleIndex, InputHandleIndex."""
    return bytes([ROP_SAVE_CHANGES_MESSAGE, 0, index, index, flags])


def modify_recipients_rop(rows, index=0):
    """RopModifyRecipients (MS-OXCROPS 2.2.6.5.1) with the RecipientOrder column."""
    body = struct.pack("<HI", 1, PID_TAG_RECIPIENT_ORDER) + struct.pack("<H", len(rows))
    for row_id, (display, email, recipient_type) in enumerate(rows):
        row = recipient_row(display, email, row_id + 1)
        body += struct.pack("<IBH", row_id, recipient_type, len(row)) + row
    return bytes([ROP_MODIFY_RECIPIENTS, 0, index]) + body


def parse_open_message(data):
    """The success part of RopOpenMessage's response (MS-OXCROPS 2.2.6.1.2)."""
    offset = 1  # HasNamedProperties
    for _ in range(2):  # SubjectPrefix, NormalizedSubject TypedStrings
        kind = data[offset]
        offset += 1
        if kind == 0x02 or kind == 0x03:
            offset = data.index(b"\0", offset) + 1
        elif kind == 0x04:
            _, offset = read_utf16z(data, offset)
    recipient_count, column_count = struct.unpack_from("<HH", data, offset)
    offset += 4 + 4 * column_count
    row_count = data[offset]
    offset += 1
    rows = []
    for _ in range(row_count):
        rtype, _cp, _reserved, size = struct.unpack_from("<BHHH", data, offset)
        offset += 7
        rows.append((rtype,) + parse_recipient_row(data[offset:offset + size]))
        offset += size
    return recipient_count, rows


class OxcmsgTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        TestBedEnv.built_program("emsmdb_client_check")
        cls.users = {name: testbed.add_mailbox_user(name) for name in ("oxcmsg1", "oxcmsg2")}

    def session(self, name="oxcmsg1"):
        session = RopSession(self.bed, name, self.users[name])
        self.addCleanup(session.close)
        session.logon()
        return session

    def ok(self, session, rop, handles):
        value, rest, table = session.one(rop, handles)
        self.assertEqual(value, EC_SUCCESS, "ROP 0x%02x failed: 0x%08x" % (rop[0], value))
        return rest, table

    def stored_flags(self, name, mid):
        """PidTagMessageFlags as the mailbox database holds it."""
        db = ldb.Ldb(os.environ["OC_TESTBED_OPENCHANGE_LDB"], flags=ldb.FLG_RDONLY)
        res = db.search(expression="(&(objectClass=mailbox)(legacyExchangeDN=%s))"
                        % self.users[name]["legacyExchangeDN"], attrs=["mapistoreURI"])
        path = str(res[0]["mapistoreURI"]).split("://", 1)[-1]
        with sqlite3.connect("file:%s?mode=ro" % path, uri=True) as con:
            return con.execute("SELECT message_flags FROM messages WHERE mid = ?",
                               (mid if mid < 2 ** 63 else mid - 2 ** 64,)).fetchone()[0]

    def saved_message(self, session, inbox, rops_before_save=()):
        """A message created in INBOX, with ROPS_BEFORE_SAVE run on it, saved; (handle, MID)."""
        rest, table = self.ok(session, create_message_rop(session.folder_ids["inbox"]),
                              [inbox, NONE_HANDLE])
        has_mid, mid = struct.unpack_from("<BQ", rest)
        self.assertEqual(has_mid, 1)
        message = table[1]
        for rop in rops_before_save:
            self.ok(session, rop, [message])
        rest, _ = self.ok(session, save_message_rop(KEEP_OPEN_READ_WRITE), [message])
        self.assertEqual(struct.unpack_from("<BQ", rest), (0, mid))
        return message, mid

    def test_recipients_round_trip(self):
        session = self.session()
        inbox = session.open_folder(session.folder_ids["inbox"])
        message, mid = self.saved_message(session, inbox, [modify_recipients_rop(RECIPIENTS)])
        session.release(message)
        rest, table = self.ok(session, open_message_rop(session.folder_ids["inbox"], mid),
                              [inbox, NONE_HANDLE])
        count, rows = parse_open_message(rest)
        self.assertEqual(count, 2)
        self.assertEqual(len(rows), 2)
        for (display, email, rtype), (got_type, flags, got_email, got_display) in zip(RECIPIENTS, rows):
            self.assertEqual((got_type, flags & 7, got_email, got_display),
                             (rtype, RECIP_SMTP, email, display))
        # RopReadRecipients from RowId 1 (MS-OXCROPS 2.2.6.6), then past the end
        rest, _ = self.ok(session, bytes([ROP_READ_RECIPIENTS, 0, 0]) + struct.pack("<IH", 1, 0),
                          [table[1]])
        self.assertEqual(rest[0], 1)
        row_id, rtype, _cp, _res, size = struct.unpack_from("<IBHHH", rest, 1)
        self.assertEqual((row_id, rtype), (1, 2))
        self.assertEqual(parse_recipient_row(rest[12:12 + size])[2], RECIPIENTS[1][0])
        value, _, _ = session.one(bytes([ROP_READ_RECIPIENTS, 0, 0]) + struct.pack("<IH", 2, 0),
                                  [table[1]])
        self.assertEqual(value, EC_NOT_FOUND)

    def test_read_flag_and_status(self):
        session = self.session()
        inbox = session.open_folder(session.folder_ids["inbox"])
        message, mid = self.saved_message(session, inbox)
        self.assertTrue(self.stored_flags("oxcmsg1", mid) & MSGFLAG_READ)
        # MS-OXCROPS 2.2.6.11.1: a private logon sends no ClientData
        rest, _ = self.ok(session, bytes([ROP_SET_MESSAGE_READ_FLAG, 0, 0, 0,
                                          RF_CLEAR_READ_FLAG | RF_SUPPRESS_RECEIPT]), [message])
        self.assertEqual(rest, b"\0", "ReadStatusChanged is for public folders only")
        self.assertFalse(self.stored_flags("oxcmsg1", mid) & MSGFLAG_READ)
        # MS-OXCROPS 2.2.6.8 / 2.2.6.9 on the folder
        rest, _ = self.ok(session, bytes([ROP_SET_MESSAGE_STATUS, 0, 0])
                          + struct.pack("<QII", mid, 0x1000, 0x1000), [inbox])
        self.assertEqual(struct.unpack("<I", rest)[0], 0)
        rest, _ = self.ok(session, bytes([ROP_GET_MESSAGE_STATUS, 0, 0]) + struct.pack("<Q", mid),
                          [inbox])
        self.assertEqual(struct.unpack("<I", rest)[0], 0x1000)
        # the status ROPs take a folder, not a message
        value, _, _ = session.one(bytes([ROP_GET_MESSAGE_STATUS, 0, 0]) + struct.pack("<Q", mid),
                                  [message])
        self.assertEqual(value, EC_NULL_OBJECT)

    def test_attachments(self):
        session = self.session()
        inbox = session.open_folder(session.folder_ids["inbox"])
        rest, table = self.ok(session, create_message_rop(session.folder_ids["inbox"]),
                              [inbox, NONE_HANDLE])
        mid = struct.unpack_from("<Q", rest, 1)[0]
        message = table[1]
        ids = []
        for _ in range(2):
            rest, table = self.ok(session, bytes([ROP_CREATE_ATTACHMENT, 0, 0, 1]),
                                  [message, NONE_HANDLE])
            ids.append(struct.unpack("<I", rest)[0])
            self.ok(session, bytes([ROP_SAVE_CHANGES_ATTACHMENT, 0, 0, 0, 0]), [table[1]])
            session.release(table[1])
        self.assertEqual(len(set(ids)), 2)
        self.ok(session, save_message_rop(), [message])
        session.release(message)
        # a fresh open sees them (MS-OXCROPS 2.2.6.18)
        _, table = self.ok(session, open_message_rop(session.folder_ids["inbox"], mid),
                           [inbox, NONE_HANDLE])
        rest, _ = self.ok(session, bytes([ROP_GET_VALID_ATTACHMENTS, 0, 0]), [table[1]])
        count = struct.unpack_from("<H", rest)[0]
        self.assertEqual(sorted(struct.unpack_from("<%dI" % count, rest, 2)), sorted(ids))
        # a read-only message takes no new attachment
        value, _, _ = session.one(bytes([ROP_CREATE_ATTACHMENT, 0, 0, 1]), [table[1], NONE_HANDLE])
        self.assertEqual(value, EC_ACCESS_DENIED)

    def test_other_user_cannot_open(self):
        owner = self.session("oxcmsg1")
        inbox = owner.open_folder(owner.folder_ids["inbox"])
        message, mid = self.saved_message(owner, inbox, [modify_recipients_rop(RECIPIENTS[:1])])
        other = self.session("oxcmsg2")
        other_inbox = other.open_folder(other.folder_ids["inbox"])
        # their logon reaches only their own mailbox: neither id pair finds it
        for fid in (owner.folder_ids["inbox"], other.folder_ids["inbox"]):
            value, _, table = other.one(open_message_rop(fid, mid), [other_inbox, NONE_HANDLE])
            self.assertEqual(value, EC_NOT_FOUND)
            self.assertEqual(table[1], NONE_HANDLE)
        # the owner still can
        self.ok(owner, open_message_rop(owner.folder_ids["inbox"], mid), [inbox, NONE_HANDLE])
        owner.call([release_rop(0)], [message])


if __name__ == "__main__":
    unittest.main()
