"""MS-OXCFOLD folder ROPs over EMSMDB against the live test bed.

A RopSession (rop_session.py) keeps one EMSMDB session open call after
call.  The ROP buffers are written here byte by byte from MS-OXCROPS 2.2.4
and MS-OXCFOLD 2.2.1, independently of the server's codec, and what the
server did is read back through later ROPs and straight from the user's
sqlite3 mailbox (its path is the mapistoreURI of openchange.ldb).
"""
import os
import sqlite3
import struct
import sys
import unittest

import ldb

from oc_testbed_env import TestBedEnv
from rop_session import NONE_HANDLE, RopSession

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

ROP_CREATE_FOLDER = 0x1C
ROP_DELETE_FOLDER = 0x1D
ROP_DELETE_MESSAGES = 0x1E
ROP_MOVE_COPY_MESSAGES = 0x33
ROP_MOVE_FOLDER = 0x35
ROP_COPY_FOLDER = 0x36
ROP_EMPTY_FOLDER = 0x58
ROP_GET_SEARCH_CRITERIA = 0x31

EC_SUCCESS = 0
EC_NOT_FOUND = 0x8004010F
EC_NOT_SUPPORTED = 0x80040102
EC_DUPLICATE_NAME = 0x80040604
EC_ACCESS_DENIED = 0x80070005
EC_INVALID_PARAM = 0x80070057
EC_FOLDER_CYCLE = 0x8004060B
EC_NULL_DESTINATION_OBJECT = 0x00000503

# MS-OXCFOLD 2.2.1.2.1 FolderType, 2.2.1.3.1 DeleteFolderFlags
FOLDER_GENERIC = 1
FOLDER_SEARCH = 2
DEL_MESSAGES = 0x01
DEL_FOLDERS = 0x04
DELETE_HARD_DELETE = 0x10

RUSSIAN = "Проекты"
JAPANESE = "プロジェクト"
FRENCH = "Élève été"


def text(value, unicode):
    """A NUL-terminated string: UTF-16LE, or 8-bit in the session's code page (1252)."""
    return value.encode("utf-16-le") + b"\0\0" if unicode else value.encode("cp1252") + b"\0"


def create_folder_rop(name, comment="", unicode=True, open_existing=False, folder_type=FOLDER_GENERIC,
                      input_index=0, output_index=1):
    """RopCreateFolder (MS-OXCROPS 2.2.4.2.1)."""
    return (bytes([ROP_CREATE_FOLDER, 0, input_index, output_index, folder_type, int(unicode),
                   int(open_existing), 0]) + text(name, unicode) + text(comment, unicode))


def delete_folder_rop(fid, flags, input_index=0):
    """RopDeleteFolder (MS-OXCROPS 2.2.4.3.1)."""
    return bytes([ROP_DELETE_FOLDER, 0, input_index, flags]) + struct.pack("<Q", fid)


def move_folder_rop(fid, name, unicode=True, source=0, dest=1):
    """RopMoveFolder (MS-OXCROPS 2.2.4.7.1), WantAsynchronous set: answered synchronously."""
    return bytes([ROP_MOVE_FOLDER, 0, source, dest, 1, int(unicode)]) + struct.pack("<Q", fid) + text(name, unicode)


def copy_folder_rop(fid, name, recursive, source=0, dest=1):
    """RopCopyFolder (MS-OXCROPS 2.2.4.8.1)."""
    return (bytes([ROP_COPY_FOLDER, 0, source, dest, 0, int(recursive), 1]) + struct.pack("<Q", fid)
            + text(name, True))


def empty_folder_rop(input_index=0, associated=False):
    """RopEmptyFolder (MS-OXCROPS 2.2.4.9.1)."""
    return bytes([ROP_EMPTY_FOLDER, 0, input_index, 0, int(associated)])


def delete_messages_rop(mids, input_index=0):
    """RopDeleteMessages (MS-OXCROPS 2.2.4.11.1), NotifyNonRead set."""
    return (bytes([ROP_DELETE_MESSAGES, 0, input_index, 0, 1]) + struct.pack("<H", len(mids))
            + b"".join(struct.pack("<Q", m) for m in mids))


def move_copy_messages_rop(mids, copy, source=0, dest=1):
    """RopMoveCopyMessages (MS-OXCROPS 2.2.4.6.1)."""
    return (bytes([ROP_MOVE_COPY_MESSAGES, 0, source, dest]) + struct.pack("<H", len(mids))
            + b"".join(struct.pack("<Q", m) for m in mids) + bytes([0, int(copy)]))


def signed(fid):
    """A 64-bit id as sqlite stores it (INTEGER is signed)."""
    return fid - (1 << 64) if fid >= 1 << 63 else fid


class OxcfoldTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        TestBedEnv.built_program("emsmdb_client_check")
        cls.users = {name: testbed.add_mailbox_user(name) for name in ("oxcfold1", "oxcfold2")}

    def setUp(self):
        self.session = RopSession(self.bed, "oxcfold1", self.users["oxcfold1"])
        self.addCleanup(self.session.close)
        self.session.logon()
        self.ipm = self.session.open_folder(self.session.folder_ids["ipm_subtree"])

    def mailbox(self, user="oxcfold1"):
        """The user's sqlite3 mailbox, read-only (another path than the ROPs)."""
        db = ldb.Ldb(os.environ["OC_TESTBED_OPENCHANGE_LDB"], flags=ldb.FLG_RDONLY)
        res = db.search(expression="(&(objectClass=mailbox)(legacyExchangeDN=%s))"
                        % self.users[user]["legacyExchangeDN"], attrs=["mapistoreURI"])
        self.assertEqual(len(res), 1)
        path = str(res[0]["mapistoreURI"]).split("://", 1)[-1]
        conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        self.addCleanup(conn.close)
        return conn

    def stored(self, fid, user="oxcfold1"):
        """(name, parent FID, folder type) of FID in the database, or None."""
        row = self.mailbox(user).execute("SELECT name, parent_fid, folder_type FROM folders WHERE fid = ?",
                                         (signed(fid),)).fetchone()
        return None if row is None else (row[0], row[1] & 0xFFFFFFFFFFFFFFFF, row[2])

    def create(self, parent, name, **kw):
        """RopCreateFolder; (ReturnValue, FolderId or None, IsExistingFolder, rest, handle)."""
        value, rest, table = self.session.one(create_folder_rop(name, **kw), [parent, NONE_HANDLE])
        if value != EC_SUCCESS:
            self.assertEqual(rest, b"", "the error form")
            return value, None, None, rest, table[1]
        fid, existing = struct.unpack_from("<QB", rest)
        return value, fid, existing, rest[9:], table[1]

    def make(self, parent, name):
        value, fid, _, _, handle = self.create(parent, name)
        self.assertEqual(value, EC_SUCCESS)
        return fid, handle

    def partial(self, rop, handles, rop_id):
        """A ROP whose response carries PartialCompletion: (ReturnValue, PartialCompletion)."""
        rops, _ = self.session.call([rop], handles)
        self.assertEqual(len(rops), 7, rops.hex())
        self.assertEqual(rops[0], rop_id)
        return struct.unpack_from("<I", rops, 2)[0], rops[6]

    def test_folder_tree_with_unicode_names(self):
        ipm_fid = self.session.folder_ids["ipm_subtree"]
        value, top, existing, rest, top_handle = self.create(self.ipm, "Tree", comment="top")
        self.assertEqual((value, existing, rest), (EC_SUCCESS, 0, b""))
        self.assertEqual(self.stored(top), ("Tree", ipm_fid, FOLDER_GENERIC))
        for name in (RUSSIAN, JAPANESE, FRENCH):
            value, fid, existing, _, handle = self.create(top_handle, name, comment=name)
            self.assertEqual((value, existing), (EC_SUCCESS, 0))
            self.assertEqual(self.stored(fid), (name, top, FOLDER_GENERIC))
            self.assertNotEqual(handle, NONE_HANDLE)
            # a later ROP reaches it by its id
            self.session.open_folder(fid)
        # 8-bit: the session's code page is 1252 (EcDoConnectEx ulCpid)
        value, fid, _, _, _ = self.create(self.ipm, "Café 8-bit", unicode=False)
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(self.stored(fid)[0], "Café 8-bit")
        # a search folder
        value, fid, _, _, _ = self.create(self.ipm, "Finder folder", folder_type=FOLDER_SEARCH)
        self.assertEqual(self.stored(fid)[2], FOLDER_SEARCH)

    def test_open_existing_and_collision(self):
        value, fid, _, _, _ = self.create(self.ipm, RUSSIAN + " 2")
        self.assertEqual(value, EC_SUCCESS)
        # OpenExisting: the same folder, IsExistingFolder with HasRules and IsGhosted after it
        value, again, existing, rest, handle = self.create(self.ipm, RUSSIAN + " 2", open_existing=True)
        self.assertEqual((value, again, existing, rest), (EC_SUCCESS, fid, 1, b"\0\0"))
        self.assertNotEqual(handle, NONE_HANDLE)
        # without it: ecDuplicateName in the error form, the output slot untouched
        value, _, _, _, handle = self.create(self.ipm, RUSSIAN + " 2")
        self.assertEqual((value, handle), (EC_DUPLICATE_NAME, NONE_HANDLE))
        count = self.mailbox().execute("SELECT count(*) FROM folders WHERE name = ?",
                                       (RUSSIAN + " 2",)).fetchone()[0]
        self.assertEqual(count, 1)
        # a FolderType other than generic or search
        value, _, _, _, _ = self.create(self.ipm, "bad type", folder_type=3)
        self.assertEqual(value, EC_INVALID_PARAM)
        self.assertIsNone(self.mailbox().execute("SELECT fid FROM folders WHERE name = 'bad type'")
                          .fetchone())

    def test_move_copy_delete(self):
        ipm_fid = self.session.folder_ids["ipm_subtree"]
        a, a_handle = self.make(self.ipm, "Move A")
        b, b_handle = self.make(self.ipm, "Move B")
        sub, _ = self.make(a_handle, JAPANESE)
        # RopMoveFolder: A under B, renamed
        value, partial = self.partial(move_folder_rop(a, FRENCH), [self.ipm, b_handle], ROP_MOVE_FOLDER)
        self.assertEqual((value, partial), (EC_SUCCESS, 0))
        self.assertEqual(self.stored(a), (FRENCH, b, FOLDER_GENERIC))
        self.assertEqual(self.stored(sub)[1], a)
        # A is no longer the IPM subtree's: its old name is free there
        value, fid, existing, _, _ = self.create(self.ipm, "Move A", open_existing=True)
        self.assertEqual((value, existing), (EC_SUCCESS, 0))
        self.assertNotEqual(fid, a)
        # into its own subtree
        value, _ = self.partial(move_folder_rop(b, "B"), [self.ipm, self.session.open_folder(sub)],
                                ROP_MOVE_FOLDER)
        self.assertEqual(value, EC_FOLDER_CYCLE)
        # a name taken in the destination
        value, _ = self.partial(move_folder_rop(b, "Move A"), [self.ipm, self.ipm], ROP_MOVE_FOLDER)
        self.assertEqual(value, EC_DUPLICATE_NAME)
        # no destination object: ecNullDestinationObject with DestHandleIndex (MS-OXCROPS 2.2.4.7.3)
        rops, _ = self.session.call([move_folder_rop(b, "nowhere")], [self.ipm, NONE_HANDLE])
        self.assertEqual(rops, bytes([ROP_MOVE_FOLDER, 0]) + struct.pack("<IIB", EC_NULL_DESTINATION_OBJECT, 1, 0))
        # RopCopyFolder, recursive: B's subtree copied under the IPM subtree
        value, partial = self.partial(copy_folder_rop(b, "Copy of B", True), [self.ipm, self.ipm],
                                      ROP_COPY_FOLDER)
        self.assertEqual((value, partial), (EC_SUCCESS, 0))
        db = self.mailbox()
        copy = db.execute("SELECT fid FROM folders WHERE name = 'Copy of B' AND parent_fid = ?",
                          (signed(ipm_fid),)).fetchone()[0] & 0xFFFFFFFFFFFFFFFF
        copied_a = db.execute("SELECT fid FROM folders WHERE parent_fid = ?", (signed(copy),)).fetchall()
        self.assertEqual(len(copied_a), 1)
        self.assertNotEqual(copied_a[0][0], signed(a))
        self.assertEqual(self.stored(copied_a[0][0] & 0xFFFFFFFFFFFFFFFF)[0], FRENCH)
        # not recursive: the folder alone
        value, _ = self.partial(copy_folder_rop(b, "Flat B", False), [self.ipm, self.ipm], ROP_COPY_FOLDER)
        self.assertEqual(value, EC_SUCCESS)
        flat = self.mailbox().execute("SELECT fid FROM folders WHERE name = 'Flat B'").fetchone()[0]
        self.assertEqual(self.mailbox().execute("SELECT count(*) FROM folders WHERE parent_fid = ?",
                                                (flat,)).fetchone()[0], 0)
        # RopDeleteFolder: B holds A, so without DEL_FOLDERS nothing goes (PartialCompletion)
        value, partial = self.partial(delete_folder_rop(b, 0), [self.ipm], ROP_DELETE_FOLDER)
        self.assertEqual((value, partial), (EC_SUCCESS, 1))
        self.assertIsNotNone(self.stored(b))
        value, partial = self.partial(delete_folder_rop(b, DEL_MESSAGES | DEL_FOLDERS | DELETE_HARD_DELETE),
                                      [self.ipm], ROP_DELETE_FOLDER)
        self.assertEqual((value, partial), (EC_SUCCESS, 0))
        for fid in (b, a, sub):
            self.assertIsNone(self.stored(fid))
        value, _, _ = self.session.one(bytes([0x02, 0, 0, 1]) + struct.pack("<QB", a, 0),
                                       [self.session.logon_handle, NONE_HANDLE])
        self.assertEqual(value, EC_NOT_FOUND)
        # again: ecNotFound, still with PartialCompletion
        self.assertEqual(self.partial(delete_folder_rop(b, 0), [self.ipm], ROP_DELETE_FOLDER),
                         (EC_NOT_FOUND, 0))
        # special folders stay
        self.assertEqual(self.partial(delete_folder_rop(self.session.folder_ids["inbox"], DEL_FOLDERS),
                                      [self.ipm], ROP_DELETE_FOLDER), (EC_ACCESS_DENIED, 0))
        # an undefined flag bit
        self.assertEqual(self.partial(delete_folder_rop(flat & 0xFFFFFFFFFFFFFFFF, 0x02), [self.ipm],
                                      ROP_DELETE_FOLDER), (EC_INVALID_PARAM, 0))

    def test_empty_and_message_rops(self):
        box, box_handle = self.make(self.ipm, "Empty me")
        inner, _ = self.make(box_handle, "inner")
        other, other_handle = self.make(self.ipm, "Other box")
        self.assertEqual(self.partial(empty_folder_rop(), [box_handle], ROP_EMPTY_FOLDER), (EC_SUCCESS, 0))
        self.assertIsNotNone(self.stored(box))
        self.assertIsNone(self.stored(inner))
        # the Root folder cannot be emptied
        root = self.session.open_folder(self.session.folder_ids["root"])
        self.assertEqual(self.partial(empty_folder_rop(), [root], ROP_EMPTY_FOLDER), (EC_NOT_SUPPORTED, 0))
        # ids that are no message of the folder: skipped, PartialCompletion
        self.assertEqual(self.partial(delete_messages_rop([box + 0x10000, box + 0x20000]), [box_handle],
                                      ROP_DELETE_MESSAGES), (EC_SUCCESS, 1))
        self.assertEqual(self.partial(delete_messages_rop([]), [box_handle], ROP_DELETE_MESSAGES),
                         (EC_SUCCESS, 0))
        self.assertEqual(self.partial(move_copy_messages_rop([box + 0x10000], True),
                                      [box_handle, other_handle], ROP_MOVE_COPY_MESSAGES), (EC_SUCCESS, 1))
        rops, _ = self.session.call([move_copy_messages_rop([1], False)], [box_handle, NONE_HANDLE])
        self.assertEqual(rops, bytes([ROP_MOVE_COPY_MESSAGES, 0])
                         + struct.pack("<IIB", EC_NULL_DESTINATION_OBJECT, 1, 0))
        # the logon is no folder: ecNotSupported (MS-OXCFOLD 3.2.5.11 and 3.2.5.6)
        self.assertEqual(self.partial(delete_messages_rop([1]), [self.session.logon_handle],
                                      ROP_DELETE_MESSAGES), (EC_NOT_SUPPORTED, 0))
        self.assertIsNotNone(self.stored(other))
        # search criteria are not implemented
        value, _, _ = self.session.one(bytes([ROP_GET_SEARCH_CRITERIA, 0, 0, 1, 1, 1]), [box_handle])
        self.assertEqual(value, EC_NOT_SUPPORTED)

    def test_each_user_sees_only_their_own_mailbox(self):
        value, fid, _, _, _ = self.create(self.ipm, "Only for oxcfold1")
        self.assertEqual(value, EC_SUCCESS)
        with RopSession(self.bed, "oxcfold2", self.users["oxcfold2"]) as other:
            other.logon()
            # the FolderId names a folder of oxcfold1's mailbox only: not found from oxcfold2's logon
            value, _, _ = other.one(bytes([0x02, 0, 0, 1]) + struct.pack("<QB", fid, 0),
                                    [other.logon_handle, NONE_HANDLE])
            self.assertEqual(value, EC_NOT_FOUND)
            ipm = other.open_folder(other.folder_ids["ipm_subtree"])
            # nor can it be deleted, moved or copied through oxcfold2's folders
            rops, _ = other.call([delete_folder_rop(fid, DEL_MESSAGES | DEL_FOLDERS)], [ipm])
            self.assertEqual(struct.unpack_from("<IB", rops, 2), (EC_NOT_FOUND, 0))
            rops, _ = other.call([move_folder_rop(fid, "stolen")], [ipm, ipm])
            self.assertEqual(struct.unpack_from("<IB", rops, 2), (EC_NOT_FOUND, 0))
            # the same name in oxcfold2's IPM subtree is a new folder of oxcfold2's mailbox
            value, rest, _ = other.one(create_folder_rop("Only for oxcfold1", open_existing=True),
                                       [ipm, NONE_HANDLE])
            self.assertEqual(value, EC_SUCCESS)
            other_fid, existing = struct.unpack_from("<QB", rest)
            self.assertEqual(existing, 0)
        # each mailbox holds its own folder; the ids are each mailbox's own and may coincide
        self.assertEqual(self.stored(fid)[0], "Only for oxcfold1")
        self.assertEqual(self.stored(other_fid, user="oxcfold2")[0], "Only for oxcfold1")
        self.assertEqual(self.mailbox("oxcfold2").execute(
            "SELECT count(*) FROM folders WHERE name = 'Only for oxcfold1'").fetchone()[0], 1)
        self.assertEqual(self.mailbox().execute(
            "SELECT count(*) FROM folders WHERE name = 'Only for oxcfold1'").fetchone()[0], 1)

if __name__ == "__main__":
    unittest.main()
