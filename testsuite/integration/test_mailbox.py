"""The mailbox end to end, as issue 5's "done when" puts it.

A client logs on to a user's mailbox, lists the standard folders, creates a
folder and in it a message with recipients and a 100 KB attachment, finds
the message again by sort and restriction, reads it back byte for byte and
deletes it; a second user sees none of it.  One live EMSMDB session
(rop_session.RopSession), one ROP per call, ROP bytes written from
MS-OXCROPS by the family tests' builders, independently of the server's
codec.
"""
import os
import struct
import sys
import unittest

from oc_testbed_env import TestBedEnv
from rop_session import NONE_HANDLE, RopSession, release_rop
from test_oxcfold import create_folder_rop, delete_folder_rop, delete_messages_rop, DEL_MESSAGES
from test_oxcmsg import (RECIPIENTS, create_message_rop, modify_recipients_rop, open_message_rop,
                         parse_open_message, save_message_rop)
from test_oxcprpt import get_properties_specific, open_stream, read_row, set_properties
from test_oxctabl import (USE_UNICODE, content_restriction, get_contents_table, get_hierarchy_table,
                          query_rows, read_rows, restrict, set_columns, sort_table)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

EC_SUCCESS = 0
EC_NOT_FOUND = 0x8004010F

PID_TAG_DISPLAY_NAME_W = 0x3001001F
PID_TAG_FOLDER_ID = 0x67480014
PID_TAG_MID = 0x674A0014
PID_TAG_SUBJECT_W = 0x0037001F
PID_TAG_BODY_W = 0x1000001F
PID_TAG_ATTACH_METHOD = 0x37050003
PID_TAG_ATTACH_LONG_FILENAME_W = 0x3707001F
PID_TAG_ATTACH_DATA_BINARY = 0x37010102
ATTACH_BY_VALUE = 1
DEPTH = 0x04			# MS-OXCFOLD 2.2.1.13.1 TableFlags
STREAM_CREATE = 0x02		# MS-OXCPRPT 2.2.14.1 OpenModeFlags
KEEP_OPEN_READ_WRITE = 0x02	# MS-OXCMSG 2.2.3.3.1 SaveFlags

SUBJECT = "Réunion d'été — отчёт 会議"
BODY = "Bonjour,\nle compte rendu est joint. Спасибо! よろしく。\n" * 20
OTHERS = ("Agenda", "Zebra crossing")
ATTACHMENT = bytes((i * 31 + i // 256) & 0xFF for i in range(100 * 1024))

# the standard folders a new mailbox has under the IPM subtree (MS-OXOSFLD 2.2.1)
STANDARD = {"Inbox", "Outbox", "Sent Items", "Deleted Items", "Calendar", "Contacts", "Journal",
            "Notes", "Tasks", "Drafts", "Junk E-mail", "Sync Issues"}


def write_stream_rop(data, index=0):
    """RopWriteStream (MS-OXCROPS 2.2.9.3.1)."""
    return bytes([0x2D, 0, index]) + struct.pack("<H", len(data)) + data


def read_stream_rop(count, index=0):
    """RopReadStream (MS-OXCROPS 2.2.9.2.1)."""
    return bytes([0x2C, 0, index]) + struct.pack("<H", count)


def create_attachment_rop(input_index=0, output_index=1):
    """RopCreateAttachment (MS-OXCROPS 2.2.6.13.1)."""
    return bytes([0x23, 0, input_index, output_index])


def open_attachment_rop(number, input_index=0, output_index=1):
    """RopOpenAttachment (MS-OXCROPS 2.2.6.12.1), read-only."""
    return bytes([0x22, 0, input_index, output_index, 0]) + struct.pack("<I", number)


def save_attachment_rop(message_index, index):
    """RopSaveChangesAttachment (MS-OXCROPS 2.2.6.15.1): ResponseHandleIndex, InputHandleIndex."""
    return bytes([0x25, 0, message_index, index, KEEP_OPEN_READ_WRITE])


class MailboxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.bed.built_program("emsmdb_client_check")
        cls.users = {name: testbed.add_mailbox_user(name) for name in ("mailbox1", "mailbox2")}

    def session(self, name="mailbox1"):
        s = RopSession(self.bed, name, self.users[name])
        self.addCleanup(s.close)
        s.logon()
        return s

    def ok(self, s, rop, handles):
        value, rest, table = s.one(rop, handles)
        self.assertEqual(value, EC_SUCCESS, "ROP 0x%02x failed: 0x%08x" % (rop[0], value))
        return rest, table

    def rows(self, s, table_handle, columns, count=100):
        self.ok(s, set_columns(columns), [table_handle])
        rest, _ = self.ok(s, query_rows(count), [table_handle])
        n = struct.unpack_from("<H", rest, 1)[0]  # Origin, RowCount
        return read_rows(rest, 3, n, columns)[0]

    def contents(self, s, folder, restriction=None, sort=None):
        rest, table = self.ok(s, get_contents_table(USE_UNICODE), [folder, NONE_HANDLE])
        handle = table[1]
        if sort:
            self.ok(s, sort_table(sort), [handle])
        if restriction:
            self.ok(s, restrict(restriction), [handle])
        rows = self.rows(s, handle, [PID_TAG_SUBJECT_W, PID_TAG_MID])
        s.release(handle)
        return rows

    def create_message(self, s, folder, folder_fid, subject, body, recipients=(), attachment=None):
        _, table = self.ok(s, create_message_rop(folder_fid), [folder, NONE_HANDLE])
        message = table[1]
        rest, _ = self.ok(s, set_properties([(PID_TAG_SUBJECT_W, subject), (PID_TAG_BODY_W, body)]),
                          [message])
        self.assertEqual(struct.unpack_from("<H", rest)[0], 0, "no property problems")
        if recipients:
            self.ok(s, modify_recipients_rop(recipients), [message])
        if attachment is not None:
            _, table = self.ok(s, create_attachment_rop(), [message, NONE_HANDLE])
            att = table[1]
            self.ok(s, set_properties([(PID_TAG_ATTACH_METHOD, ATTACH_BY_VALUE),
                                       (PID_TAG_ATTACH_LONG_FILENAME_W, "rapport été.bin")]), [att])
            _, table = self.ok(s, open_stream(PID_TAG_ATTACH_DATA_BINARY, STREAM_CREATE), [att, NONE_HANDLE])
            stream = table[1]
            for offset in range(0, len(attachment), 16384):
                chunk = attachment[offset:offset + 16384]
                rest, _ = self.ok(s, write_stream_rop(chunk), [stream])
                self.assertEqual(struct.unpack_from("<H", rest)[0], len(chunk))
            self.ok(s, bytes([0x5D, 0, 0]), [stream])  # RopCommitStream
            s.release(stream)
            self.ok(s, save_attachment_rop(0, 1), [message, att])
            s.release(att)
        rest, _ = self.ok(s, save_message_rop(KEEP_OPEN_READ_WRITE), [message])
        mid = struct.unpack_from("<Q", rest, 1)[0]  # InputHandleIndex, MessageId
        s.release(message)
        return mid

    def test_done_when(self):
        s = self.session()
        ipm = s.open_folder(s.folder_ids["ipm_subtree"])

        # the standard folders, by name, with the FIDs RopLogon gave
        _, table = self.ok(s, get_hierarchy_table(USE_UNICODE), [ipm, NONE_HANDLE])
        folders = {name: fid for name, fid in self.rows(s, table[1], [PID_TAG_DISPLAY_NAME_W,
                                                                      PID_TAG_FOLDER_ID])}
        s.release(table[1])
        self.assertTrue(STANDARD <= set(folders), sorted(STANDARD - set(folders)))
        self.assertEqual(folders["Inbox"], s.folder_ids["inbox"])
        self.assertEqual(folders["Deleted Items"], s.folder_ids["deleted_items"])

        # a folder of our own, then the message with recipients and an attachment
        rest, table = self.ok(s, create_folder_rop("Projets été"), [ipm, NONE_HANDLE])
        folder, folder_fid = table[1], struct.unpack_from("<Q", rest)[0]
        mid = self.create_message(s, folder, folder_fid, SUBJECT, BODY, RECIPIENTS, ATTACHMENT)
        others = [self.create_message(s, folder, folder_fid, subject, "other") for subject in OTHERS]

        # found again: sorted by subject, descending; restricted to "été"
        rows = self.contents(s, folder, sort=[(PID_TAG_SUBJECT_W, 0x01)])
        self.assertEqual([r[0] for r in rows], sorted([SUBJECT] + list(OTHERS), reverse=True))
        rows = self.contents(s, folder, restriction=content_restriction(PID_TAG_SUBJECT_W, "ÉTÉ"))
        self.assertEqual(rows, [[SUBJECT, mid]])

        # read back byte for byte in a new session
        s2 = self.session()
        folder2 = s2.open_folder(folder_fid)
        value, rest, table = s2.one(open_message_rop(folder_fid, mid), [folder2, NONE_HANDLE])
        self.assertEqual(value, EC_SUCCESS)
        message = table[1]
        count, recipients = parse_open_message(rest)
        self.assertEqual(count, len(RECIPIENTS))
        self.assertEqual([(r[0], r[3], r[2]) for r in recipients],
                         [(t, d, e) for d, e, t in RECIPIENTS])
        tags = [PID_TAG_SUBJECT_W, PID_TAG_BODY_W]
        rest, _ = self.ok(s2, get_properties_specific(tags), [message])
        _, row = read_row(tags, rest)
        self.assertEqual((row[PID_TAG_SUBJECT_W], row[PID_TAG_BODY_W]), (SUBJECT, BODY))
        _, table = self.ok(s2, open_attachment_rop(0), [message, NONE_HANDLE])
        att = table[1]
        tags = [PID_TAG_ATTACH_LONG_FILENAME_W, PID_TAG_ATTACH_METHOD]
        rest, _ = self.ok(s2, get_properties_specific(tags), [att])
        self.assertEqual(read_row(tags, rest)[1], {PID_TAG_ATTACH_LONG_FILENAME_W: "rapport été.bin",
                                                   PID_TAG_ATTACH_METHOD: ATTACH_BY_VALUE})
        rest, table = self.ok(s2, open_stream(PID_TAG_ATTACH_DATA_BINARY, 0), [att, NONE_HANDLE])
        self.assertEqual(struct.unpack_from("<I", rest)[0], len(ATTACHMENT))
        stream, data = table[1], b""
        while True:
            rest, _ = self.ok(s2, read_stream_rop(20000), [stream])
            size = struct.unpack_from("<H", rest)[0]
            if size == 0:
                break
            data += rest[2:2 + size]
        self.assertEqual(data, ATTACHMENT)
        s2.close()

        # the other user reaches none of it
        other = self.session("mailbox2")
        inbox = other.open_folder(other.folder_ids["inbox"])
        value, _, _ = other.one(open_message_rop(folder_fid, mid), [inbox, NONE_HANDLE])
        self.assertEqual(value, EC_NOT_FOUND)

        # deleted: gone from the table and from OpenMessage
        rest, _ = self.ok(s, delete_messages_rop([mid]), [folder])
        self.assertEqual(rest[0], 0, "no PartialCompletion")
        self.assertEqual(sorted(r[1] for r in self.contents(s, folder)), sorted(others))
        value, _, _ = s.one(open_message_rop(folder_fid, mid), [folder, NONE_HANDLE])
        self.assertEqual(value, EC_NOT_FOUND)
        s.call([release_rop(0)], [folder])
        rest, _ = self.ok(s, delete_folder_rop(folder_fid, DEL_MESSAGES), [ipm])
        self.assertEqual(rest[0], 0)


if __name__ == "__main__":
    unittest.main()
