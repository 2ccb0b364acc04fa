"""Durability: what the server acknowledged survives samba being killed.

DESIGN.md decision 4 and issue 5: every committing ROP (RopCreateFolder,
RopSaveChangesMessage, ...) is one durable transaction, so a save whose
response reached the client is on disk when samba dies with SIGKILL (no
destructor, no flush, as in a power cut of the process).  A bed of its own,
since the test kills its samba; ROP bytes written here from MS-OXCROPS.
"""
import os
import struct
import sys
import unittest

from rop_session import NONE_HANDLE, RopSession, release_rop
from test_oxcmsg import (EC_SUCCESS, create_message_rop, open_message_rop,
                         parse_open_message, save_message_rop, utf16z)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from testbed import TestBed  # noqa: E402

ROP_SET_PROPERTIES = 0x0A
ROP_CREATE_FOLDER = 0x1C
PID_TAG_SUBJECT_W = 0x0037001F
KEEP_OPEN_READ_ONLY = 0x01
SAVED = 40


def set_subject_rop(subject, index=1):
    """RopSetProperties (MS-OXCROPS 2.2.8.6.1) of PidTagSubject_W."""
    values = struct.pack("<HI", 1, PID_TAG_SUBJECT_W) + utf16z(subject)
    return bytes([ROP_SET_PROPERTIES, 0, index]) + struct.pack("<H", len(values)) + values


def create_folder_rop(name, input_index=0, output_index=1):
    """RopCreateFolder (MS-OXCROPS 2.2.4.2.1): generic, Unicode, not OpenExisting."""
    return (bytes([ROP_CREATE_FOLDER, 0, input_index, output_index, 1, 1, 0, 0])
            + utf16z(name) + utf16z(""))


def typed_string(data, offset):
    """A TypedString (MS-OXCDATA 2.11.3.1): (text, next offset)."""
    kind, offset = data[offset], offset + 1
    if kind in (0x02, 0x03):
        end = data.index(b"\0", offset)
        return data[offset:end].decode("latin-1"), end + 1
    if kind == 0x04:
        end = offset
        while data[end:end + 2] != b"\0\0":
            end += 2
        return data[offset:end].decode("utf-16-le"), end + 2
    return "", offset


class CrashTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        module = os.path.join(os.environ.get("OC_BUILD_DIR", os.path.join(HERE, "..", "..", "build")),
                              "mapiproxy", ".libs", "mapiproxy.so")
        if not os.path.exists(module):
            raise unittest.SkipTest("mapiproxy.so is not built")
        cls.bed = TestBed(mapiproxy=True)
        cls.bed.start()
        try:
            cls.user = cls.bed.add_mailbox_user("crashuser")
        except BaseException:
            cls.bed.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.bed.close()

    def session(self):
        return RopSession(self.bed, "crashuser", self.user)

    def test_acknowledged_saves_survive_sigkill(self):
        saved = {}
        with self.session() as s:
            s.logon()
            inbox_fid = s.folder_ids["inbox"]
            inbox = s.open_folder(inbox_fid)
            for i in range(SAVED):
                subject = "durable %d: Привет, 世界" % i
                rops, table = s.call([create_message_rop(inbox_fid, 0, 1), set_subject_rop(subject),
                                      save_message_rop(KEEP_OPEN_READ_ONLY, 1), release_rop(1)],
                                     [inbox, NONE_HANDLE])
                # the last response: RopSaveChangesMessage (RopId, ResponseHandleIndex,
                # ReturnValue, InputHandleIndex, MessageId)
                rop, _, value, _, mid = struct.unpack_from("<BBIBQ", rops, len(rops) - 15)
                self.assertEqual((rop, value), (0x0C, EC_SUCCESS))
                saved[mid] = subject
            value, rest, table = s.one(create_folder_rop("Survivor Папка"), [s.open_folder(
                s.folder_ids["ipm_subtree"]), NONE_HANDLE])
            self.assertEqual(value, EC_SUCCESS)
            folder_fid = struct.unpack_from("<Q", rest)[0]
            # an unsaved message: created, given a subject, never saved
            rops, _ = s.call([create_message_rop(inbox_fid, 0, 1), set_subject_rop("never saved")],
                             [inbox, NONE_HANDLE])
            unsaved_mid = struct.unpack_from("<Q", rops, 7)[0]
            # SIGKILL while the session is still open
            self.bed.crash_and_restart()
        self.assertEqual(len(saved), SAVED)

        with self.session() as s:
            s.logon()
            inbox = s.open_folder(s.folder_ids["inbox"])
            for mid, subject in saved.items():
                value, rest, _ = s.one(open_message_rop(s.folder_ids["inbox"], mid), [inbox, NONE_HANDLE])
                self.assertEqual(value, EC_SUCCESS, "message 0x%x lost" % mid)
                _, offset = typed_string(rest, 1)  # SubjectPrefix
                normalized, _ = typed_string(rest, offset)
                self.assertEqual(normalized, subject)
                parse_open_message(rest)
            # the folder is there; the unsaved message is not
            s.open_folder(folder_fid)
            value, _, _ = s.one(open_message_rop(s.folder_ids["inbox"], unsaved_mid), [inbox, NONE_HANDLE])
            self.assertEqual(value, 0x8004010F)


if __name__ == "__main__":
    unittest.main()
