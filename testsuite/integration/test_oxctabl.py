"""MS-OXCTABL table ROPs, and the MS-OXCFOLD ROPs that make folder tables,
over a live EMSMDB session (rop_session.RopSession).

The ROP buffers are written here byte by byte from MS-OXCROPS 2.2.4.13,
2.2.4.14 and 2.2.5 and MS-OXCDATA 2.8 (rows), 2.12 (restrictions) and 2.13
(sort orders), and the rows read back the same way, independently of the
server's codec.  Folder names and ids are checked against RopLogon's
FolderIds (MS-OXCSTOR 2.2.1.1.3).
"""
import struct
import sys
import os
import unittest

from oc_testbed_env import TestBedEnv
from rop_session import NONE_HANDLE, RopSession

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

EC_SUCCESS = 0
EC_NULL_OBJECT = 0x000004B9
EC_INVALID_PARAMETER = 0x80070057
EC_UNABLE_TO_ABORT = 0x80040114
EC_INVALID_BOOKMARK = 0x80040405
EC_NOT_FOUND = 0x8004010F
EC_NOT_SUPPORTED = 0x80040102

ROP_GET_HIERARCHY_TABLE = 0x04
ROP_GET_CONTENTS_TABLE = 0x05
ROP_SET_COLUMNS = 0x12
ROP_SORT_TABLE = 0x13
ROP_RESTRICT = 0x14
ROP_QUERY_ROWS = 0x15
ROP_GET_STATUS = 0x16
ROP_QUERY_POSITION = 0x17
ROP_SEEK_ROW = 0x18
ROP_CREATE_BOOKMARK = 0x1B
ROP_SEEK_ROW_BOOKMARK = 0x19
ROP_ABORT = 0x38
ROP_FIND_ROW = 0x4F
ROP_FREE_BOOKMARK = 0x89

# MS-OXCFOLD 2.2.1.13.1 TableFlags
USE_UNICODE = 0x40
# MS-OXCTABL 2.2.2.1.1 bookmarks
BOOKMARK_BEGINNING, BOOKMARK_CURRENT, BOOKMARK_END = 0, 1, 2

PID_TAG_DISPLAY_NAME_W = 0x3001001F
PID_TAG_FOLDER_ID = 0x67480014

# the special folders under the IPM subtree and their names (MS-OXOSFLD 2.2.1)
SPECIAL = {"inbox": "Inbox", "outbox": "Outbox", "sent_items": "Sent Items",
           "deleted_items": "Deleted Items"}


# --- requests (MS-OXCROPS) -------------------------------------------------------

def get_hierarchy_table(flags=USE_UNICODE, input_index=0, output_index=1):
    return bytes([ROP_GET_HIERARCHY_TABLE, 0, input_index, output_index, flags])


def get_contents_table(flags=USE_UNICODE, input_index=0, output_index=1):
    return bytes([ROP_GET_CONTENTS_TABLE, 0, input_index, output_index, flags])


def set_columns(tags, index=0, flags=0):
    return bytes([ROP_SET_COLUMNS, 0, index, flags]) + struct.pack("<H%dI" % len(tags), len(tags), *tags)


def query_rows(count, index=0, flags=0, forward=True):
    return bytes([ROP_QUERY_ROWS, 0, index, flags, 1 if forward else 0]) + struct.pack("<H", count)


def sort_table(orders, index=0):
    """ORDERS: (tag, order) pairs; MS-OXCDATA 2.13.1 SortOrder."""
    body = b"".join(struct.pack("<HHB", tag & 0xFFFF, tag >> 16, order) for tag, order in orders)
    return bytes([ROP_SORT_TABLE, 0, index, 0]) + struct.pack("<HHH", len(orders), 0, 0) + body


def unicode_value(tag, text):
    """TaggedPropertyValue of a PtypString (MS-OXCDATA 2.11.4)."""
    return struct.pack("<I", tag) + text.encode("utf-16-le") + b"\0\0"


def content_restriction(tag, text, fuzzy_low=0x0001, fuzzy_high=0x0001):
    """ContentRestriction (MS-OXCDATA 2.12.4): substring, ignoring case by default."""
    return struct.pack("<BHHI", 0x03, fuzzy_low, fuzzy_high, tag) + unicode_value(tag, text)


def restrict(restriction, index=0):
    return bytes([ROP_RESTRICT, 0, index, 0]) + struct.pack("<H", len(restriction)) + restriction


def simple(rop_id, index=0):
    return bytes([rop_id, 0, index])


def find_row(restriction, index=0, flags=0, origin=BOOKMARK_BEGINNING, bookmark=b""):
    return (bytes([ROP_FIND_ROW, 0, index, flags]) + struct.pack("<H", len(restriction)) + restriction
            + bytes([origin]) + struct.pack("<H", len(bookmark)) + bookmark)


# --- responses ---------------------------------------------------------------------

def read_value(data, offset, tag):
    """One value of TAG's type at OFFSET (MS-OXCDATA 2.11.2): (value, next offset)."""
    ptype = tag & 0xFFFF
    if ptype == 0x001F:
        end = offset
        while data[end:end + 2] != b"\0\0":
            end += 2
        return data[offset:end].decode("utf-16-le"), end + 2
    if ptype == 0x0014:
        return struct.unpack_from("<Q", data, offset)[0], offset + 8
    if ptype == 0x0003:
        return struct.unpack_from("<I", data, offset)[0], offset + 4
    raise AssertionError("no reader for type 0x%04x" % ptype)


def read_rows(data, offset, count, columns):
    """COUNT PropertyRows (MS-OXCDATA 2.8.1) laid out by COLUMNS: (rows, next offset).
    Absent or failed values of a flagged row are None."""
    rows = []
    for _ in range(count):
        flag = data[offset]
        offset += 1
        row = []
        for tag in columns:
            if flag == 0x01:
                value_flag = data[offset]
                offset += 1
                if value_flag != 0x00:
                    row.append(None)
                    offset += 4	# the error code
                    continue
            value, offset = read_value(data, offset, tag)
            row.append(value)
        rows.append(row)
    return rows, offset


def return_value(rops, offset=0):
    return struct.unpack_from("<I", rops, offset + 2)[0]


class OxctablTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.bed.built_program("emsmdb_client_check")
        cls.user = testbed.add_mailbox_user("oxctabl1")

    def session(self):
        s = RopSession(self.bed, "oxctabl1", self.user)
        self.addCleanup(s.close)
        s.logon()
        return s

    def hierarchy_rows(self, s, extra=()):
        """GetHierarchyTable of the IPM subtree, SetColumns and QueryRows in one
        call, with EXTRA ROPs (on the table, handle index 1) before QueryRows."""
        ipm = s.open_folder(s.folder_ids["ipm_subtree"])
        columns = [PID_TAG_DISPLAY_NAME_W, PID_TAG_FOLDER_ID]
        rops, handles = s.call([get_hierarchy_table(), set_columns(columns, index=1)] + list(extra)
                               + [query_rows(100, index=1)], [ipm, NONE_HANDLE])
        rop, index, value, row_count = struct.unpack_from("<BBII", rops)
        self.assertEqual((rop, index, value), (ROP_GET_HIERARCHY_TABLE, 1, EC_SUCCESS))
        self.assertEqual(rops[10:17], bytes([ROP_SET_COLUMNS, 1, 0, 0, 0, 0, 0]))
        offset = 17
        for rop_bytes in extra:
            self.assertEqual(rops[offset], rop_bytes[0])
            self.assertEqual(return_value(rops, offset), EC_SUCCESS)
            offset += 7	# SortTable/Restrict: TableStatus
        rop, index, value, origin, count = struct.unpack_from("<BBIBH", rops, offset)
        self.assertEqual((rop, value, origin), (ROP_QUERY_ROWS, EC_SUCCESS, BOOKMARK_END))
        rows, end = read_rows(rops, offset + 9, count, columns)
        self.assertEqual(end, len(rops))
        return row_count, rows, handles[1]

    def test_hierarchy_of_ipm_subtree(self):
        """MS-OXCFOLD 3.2.5.13 and MS-OXCTABL 3.2.5.1, 3.2.5.5: the special
        folders by name, with the FolderIds RopLogon gave."""
        s = self.session()
        row_count, rows, _ = self.hierarchy_rows(s)
        self.assertEqual(len(rows), row_count)
        by_name = {name: fid for name, fid in rows}
        for key, name in SPECIAL.items():
            self.assertIn(name, by_name)
            self.assertEqual(by_name[name], s.folder_ids[key], name)

    def test_sort_and_restrict(self):
        """MS-OXCTABL 3.2.5.2, 3.2.5.3: display names descending; only the
        names containing "box", whatever the case."""
        s = self.session()
        _, rows, _ = self.hierarchy_rows(s)
        names = [name for name, _ in rows]
        _, sorted_rows, _ = self.hierarchy_rows(s, [sort_table([(PID_TAG_DISPLAY_NAME_W, 0x01)],
                                                               index=1)])
        self.assertEqual([name for name, _ in sorted_rows],
                         sorted(names, key=str.casefold, reverse=True))
        box = content_restriction(PID_TAG_DISPLAY_NAME_W, "BOX")
        row_count, restricted, table = self.hierarchy_rows(s, [restrict(box, index=1)])
        expected = sorted(name for name in names if "box" in name.lower())
        self.assertEqual(sorted(name for name, _ in restricted), expected)
        self.assertIn("Inbox", expected)
        # RowCount of the table is before the restriction; QueryPosition after it
        self.assertEqual(row_count, len(names))
        value, rest, _ = s.one(simple(ROP_QUERY_POSITION), [table])
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(struct.unpack_from("<II", rest), (len(expected), len(expected)))

    def test_find_seek_bookmarks(self):
        """MS-OXCTABL 3.2.5.9, 3.2.5.10, 3.2.5.12, 3.2.5.14, 3.2.5.15."""
        s = self.session()
        _, rows, table = self.hierarchy_rows(s)
        names = [name for name, _ in rows]
        inbox = content_restriction(PID_TAG_DISPLAY_NAME_W, "Inbox", fuzzy_low=0, fuzzy_high=0)
        rops, _ = s.call([find_row(inbox)], [table])
        rop, _, value, gone, has_row = struct.unpack_from("<BBIBB", rops)
        self.assertEqual((rop, value, gone, has_row), (ROP_FIND_ROW, EC_SUCCESS, 0, 1))
        found, _ = read_rows(rops, 8, 1, [PID_TAG_DISPLAY_NAME_W, PID_TAG_FOLDER_ID])
        self.assertEqual(found[0], ["Inbox", s.folder_ids["inbox"]])
        # the cursor is on the Inbox row now
        value, rest, _ = s.one(simple(ROP_QUERY_POSITION), [table])
        self.assertEqual(struct.unpack_from("<II", rest), (names.index("Inbox"), len(names)))
        value, rest, _ = s.one(simple(ROP_CREATE_BOOKMARK), [table])
        self.assertEqual(value, EC_SUCCESS)
        size = struct.unpack_from("<H", rest)[0]
        bookmark = rest[2:2 + size]
        # to the end, then back to the bookmark and one row on
        value, rest, _ = s.one(bytes([ROP_SEEK_ROW, 0, 0, BOOKMARK_END]) + struct.pack("<iB", 0, 1), [table])
        self.assertEqual((value, struct.unpack_from("<BI", rest)), (EC_SUCCESS, (0, 0)))
        value, rest, _ = s.one(bytes([ROP_SEEK_ROW_BOOKMARK, 0, 0]) + struct.pack("<H", size) + bookmark
                               + struct.pack("<iB", 1, 1), [table])
        self.assertEqual(value, EC_SUCCESS)
        self.assertEqual(struct.unpack_from("<BBI", rest), (0, 0, 1))
        value, rest, _ = s.one(simple(ROP_QUERY_POSITION), [table])
        self.assertEqual(struct.unpack_from("<I", rest)[0], names.index("Inbox") + 1)
        # freed: unknown afterwards
        free = bytes([ROP_FREE_BOOKMARK, 0, 0]) + struct.pack("<H", size) + bookmark
        self.assertEqual(s.one(free, [table])[0], EC_SUCCESS)
        self.assertEqual(s.one(free, [table])[0], EC_INVALID_BOOKMARK)
        nothing = content_restriction(PID_TAG_DISPLAY_NAME_W, "no such folder at all")
        self.assertEqual(s.one(find_row(nothing), [table])[0], EC_NOT_FOUND)

    def test_inbox_contents_table(self):
        """MS-OXCFOLD 3.2.5.14: a new mailbox's Inbox is empty (RowCount 0,
        no rows)."""
        s = self.session()
        inbox = s.open_folder(s.folder_ids["inbox"])
        rops, handles = s.call([get_contents_table(), set_columns([PID_TAG_FOLDER_ID], index=1),
                                query_rows(10, index=1)], [inbox, NONE_HANDLE])
        rop, index, value, row_count = struct.unpack_from("<BBII", rops)
        self.assertEqual((rop, index, value, row_count), (ROP_GET_CONTENTS_TABLE, 1, EC_SUCCESS, 0))
        rop, _, value, origin, count = struct.unpack_from("<BBIBH", rops, 17)
        # a forward read with no rows left: BOOKMARK_END (MS-OXCTABL 3.2.5.5)
        self.assertEqual((rop, value, origin, count), (ROP_QUERY_ROWS, EC_SUCCESS, BOOKMARK_END, 0))
        self.assertEqual(len(rops), 17 + 9)
        self.assertNotEqual(handles[1], NONE_HANDLE)

    def test_errors(self):
        """QueryRows before SetColumns is ecNullObject (MS-OXCTABL 3.2.5.5),
        Abort with nothing pending ecUnableToAbort (3.2.5.6), a table ROP on
        a folder ecNotSupported, a logon is no folder (ecNullObject),
        undefined TableFlags ecInvalidParam."""
        s = self.session()
        inbox = s.open_folder(s.folder_ids["inbox"])
        rops, handles = s.call([get_contents_table()], [inbox, NONE_HANDLE])
        table = handles[1]
        self.assertEqual(s.one(query_rows(5), [table])[0], EC_NULL_OBJECT)
        self.assertEqual(s.one(simple(ROP_ABORT), [table])[0], EC_UNABLE_TO_ABORT)
        value, rest, _ = s.one(simple(ROP_GET_STATUS), [table])
        self.assertEqual((value, rest), (EC_SUCCESS, b"\0"))
        self.assertEqual(s.one(set_columns([]), [table])[0], EC_INVALID_PARAMETER)
        self.assertEqual(s.one(simple(ROP_QUERY_POSITION), [inbox])[0], EC_NOT_SUPPORTED)
        rops, _ = s.call([get_hierarchy_table()], [s.logon_handle, NONE_HANDLE])
        self.assertEqual(return_value(rops), EC_NULL_OBJECT)
        rops, _ = s.call([get_hierarchy_table(flags=0x01)], [inbox, NONE_HANDLE])
        self.assertEqual(return_value(rops), EC_INVALID_PARAMETER)


if __name__ == "__main__":
    unittest.main()
