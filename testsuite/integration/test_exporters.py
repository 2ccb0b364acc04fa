"""exchange2mbox and exchange2ical (issue 6) against the test bed, as black boxes.

Messages and an appointment are put into a fresh user's mailbox through
independent ROP builders (rop_session.py and the family tests' builders,
written from MS-OXCROPS), then the programs export them and the results are
read back by parsers that share nothing with the programs: Python's mailbox
and email modules for the mbox; for the .ics a minimal RFC 5545 line reader
and libical's own parser (Debian's libical3, called through ctypes: its
error count and its reading of each VEVENT).
"""
import ctypes
import email
import email.policy
import mailbox
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import uuid

from oc_testbed_env import TestBedEnv
from rop_session import NONE_HANDLE, RopSession
from test_oxcfold import create_folder_rop
from test_oxcmsg import RECIPIENTS, create_message_rop, modify_recipients_rop, save_message_rop
from test_oxcprpt import get_property_ids_from_names, open_stream, set_properties, tagged_value
from test_oxctabl import USE_UNICODE, get_hierarchy_table, query_rows, read_rows, set_columns

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

USER = "exportuser"
EC_SUCCESS = 0

PID_TAG_DISPLAY_NAME_W = 0x3001001F
PID_TAG_FOLDER_ID = 0x67480014
PID_TAG_SUBJECT_W = 0x0037001F
PID_TAG_BODY_W = 0x1000001F
PID_TAG_MESSAGE_CLASS_W = 0x001A001F
PID_TAG_ATTACH_METHOD = 0x37050003
PID_TAG_ATTACH_LONG_FILENAME_W = 0x3707001F
PID_TAG_ATTACH_DATA_BINARY = 0x37010102
ATTACH_BY_VALUE = 1
STREAM_CREATE = 0x02
KEEP_OPEN_READ_WRITE = 0x02

# MS-OXPROPS 1.3.2 and 2.29 / 2.90 (PidLidAppointmentStartWhole/EndWhole), 2.22 (PidLidAppointmentRecur),
# 2.221 (PidLidRecurring), 2.117 (PidLidExceptionReplaceTime)
PSETID_APPOINTMENT = uuid.UUID("00062002-0000-0000-c000-000000000046")
LID_START_WHOLE = 0x820D
LID_END_WHOLE = 0x820E
LID_APPOINTMENT_RECUR = 0x8216
LID_RECURRING = 0x8223
LID_EXCEPTION_REPLACE_TIME = 0x8228
PTYP_TIME = 0x0040
PTYP_BOOLEAN = 0x000B
PTYP_BINARY = 0x0102
# the Exception Attachment object's properties (MS-OXOCAL 2.2.10.1)
PID_TAG_EXCEPTION_REPLACE_TIME = 0x7FF90040
PID_TAG_EXCEPTION_START_TIME = 0x7FFB0040
PID_TAG_EXCEPTION_END_TIME = 0x7FFC0040
PID_TAG_ATTACHMENT_FLAGS = 0x7FFD0003
PID_TAG_ATTACHMENT_HIDDEN = 0x7FFE000B
PID_TAG_RENDERING_POSITION = 0x370B0003
AF_EXCEPTION = 0x00000002
EXCEPTION_CLASS = "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}"

SUBJECTS = ("Отчёт за квартал", "Счёт с вложением — проверка")
SUB_FOLDER = "Архив 2026"
SUB_SUBJECT = "В подпапке"
BODY = "Добрый день!\nСм. вложение.\n"
ATTACHMENT = bytes(range(256)) * 40 + b"\0\r\n\x00From \xff"
ATT_NAME = "данные.bin"
APPT_SUBJECT = "Совещание по проекту"
# a message with an embedded message (MS-OXCMSG 2.2.2.9 afEmbeddedMessage), which holds a file and
# another embedded message, in a folder of its own under the IPM subtree
EMB_FOLDER = "Вложенные письма"
OUTER_SUBJECT = "Пересылаю письмо"
EMB_SUBJECT = "Исходное письмо — 元のメール"
EMB_BODY = "Это вложенное письмо.\nСо своим вложением.\n"
EMB_ATT_NAME = "внутри.dat"
EMB_ATTACHMENT = bytes(range(255, -1, -1)) * 9 + b"\r\nFrom \0end"
EMB_DISPLAY_NAME = "Исходное письмо"
NESTED_SUBJECT = "Третий уровень"
NESTED_BODY = "Самое глубокое письмо.\n"
OPEN_EMBEDDED_CREATE = 0x02
DEEP_SUBJECT = "Глубоко вложенные"
DEEP_LEVELS = 10  # messages inside one another below the outer one; 7 are exported, then a note
# 2026-03-10 09:00 to 10:30 UTC as FILETIME (100 ns since 1601)
EPOCH_DIFF = 11644473600
START = (1773133200 + EPOCH_DIFF) * 10 ** 7
END = (1773138600 + EPOCH_DIFF) * 10 ** 7
# the appointment recurs weekly on Tuesdays, five times; the second instance (2026-03-17 09:00Z) is moved
# to Wednesday 14:00 to 15:30Z with a subject of its own, the third (2026-03-24) is deleted
WEEK = 7 * 86400 * 10 ** 7
EX_ORIGINAL = START + WEEK
EX_START = (1773842400 + EPOCH_DIFF) * 10 ** 7  # 2026-03-18 14:00Z
EX_END = EX_START + 5400 * 10 ** 7
EX_SUBJECT = APPT_SUBJECT + " (перенесено)"
FORWARDED_SUBJECT = "Пересланное приглашение"


def ft_minutes(filetime):
    """A FILETIME as minutes since 1601, the unit of RecurrencePattern dates (MS-OXOCAL 2.2.1.44.1)."""
    return filetime // (60 * 10 ** 7)


def midnight(filetime):
    return ft_minutes(filetime) // 1440 * 1440


def appointment_recur():
    """PidLidAppointmentRecur (MS-OXOCAL 2.2.1.44.5): a RecurrencePattern (2.2.1.44.1), weekly on
    Tuesday, five instances, zone UTC; DeletedInstanceDates holds the original days of the modified
    and of the deleted instance, ModifiedInstanceDates the moved one's new day; then one ExceptionInfo
    (2.2.1.44.2, ARO_SUBJECT) and its ExtendedException (2.2.1.44.3, WriterVersion2 0x3009)."""
    start_day = midnight(START)
    pattern = struct.pack("<HHHHHIII", 0x3004, 0x3004, 0x200B, 0x0001, 0, 0, 1, 0)
    pattern += struct.pack("<I", 0x04)  # PatternTypeSpecific: Tuesday
    pattern += struct.pack("<III", 0x2022, 5, 1)  # EndType after N, OccurrenceCount, FirstDOW Monday
    pattern += struct.pack("<III", 2, midnight(EX_ORIGINAL), midnight(START + 2 * WEEK))
    pattern += struct.pack("<II", 1, midnight(EX_START))
    pattern += struct.pack("<II", start_day, start_day + 4 * 7 * 1440)
    subject8 = EX_SUBJECT.encode("cp1251")
    info = struct.pack("<IIIH", ft_minutes(EX_START), ft_minutes(EX_END), ft_minutes(EX_ORIGINAL), 0x0001)
    info += struct.pack("<HH", len(subject8) + 1, len(subject8)) + subject8
    wide = EX_SUBJECT.encode("utf-16-le")
    extended = struct.pack("<III", 4, 0, 0)  # ChangeHighlightSize, ChangeHighlightValue, ReservedBlockEE1Size
    extended += struct.pack("<III", ft_minutes(EX_START), ft_minutes(EX_END), ft_minutes(EX_ORIGINAL))
    extended += struct.pack("<H", len(wide) // 2) + wide + struct.pack("<I", 0)
    tail = struct.pack("<IIIIH", 0x3006, 0x3009, 540, 630, 1) + info + struct.pack("<I", 0)
    tail += extended + struct.pack("<I", 0)
    return pattern + tail


def tool(name):
    build = os.environ.get("OC_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
    program = os.path.join(build, "utils", name, name)
    if not os.access(program, os.X_OK):
        raise unittest.SkipTest("%s is not built" % program)
    return program


def lid_name(guid, lid):
    """A PropertyName of Kind MNID_ID (MS-OXCDATA 2.6.1)."""
    return bytes([0x00]) + guid.bytes_le + struct.pack("<I", lid)


def set_times(values, index=0):
    """RopSetProperties (MS-OXCROPS 2.2.8.6.1) of PtypTime values (MS-OXCDATA 2.11.1: 8 bytes)."""
    body = b"".join(struct.pack("<IQ", tag, value) for tag, value in values)
    return bytes([0x0A, 0, index]) + struct.pack("<HH", len(body) + 2, len(values)) + body


def set_values(values, index=0):
    """RopSetProperties with PtypTime and PtypBoolean (MS-OXCDATA 2.11.1: 8 bytes, 1 byte) besides the
    types test_oxcprpt writes."""
    body = b""
    for tag, value in values:
        if tag & 0xFFFF == PTYP_TIME:
            body += struct.pack("<IQ", tag, value)
        elif tag & 0xFFFF == PTYP_BOOLEAN:
            body += struct.pack("<IB", tag, 1 if value else 0)
        else:
            body += tagged_value(tag, value)
    return bytes([0x0A, 0, index]) + struct.pack("<HH", len(body) + 2, len(values)) + body


def write_stream_rop(data, index=0):
    """RopWriteStream (MS-OXCROPS 2.2.9.3.1)."""
    return bytes([0x2D, 0, index]) + struct.pack("<H", len(data)) + data


def ics_lines(text):
    """The content lines of an iCalendar stream, unfolded (RFC 5545 3.1)."""
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def libical_events(text):
    """libical's reading of an iCalendar stream: (number of errors it found,
    [{property name: value as libical writes it}] per VEVENT).  libical marks
    what it cannot parse with X-LIC-ERROR properties, which it counts."""
    lib = ctypes.CDLL("libical.so.3")
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalcomponent_count_errors.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_string_to_kind.argtypes = [ctypes.c_char_p]
    lib.icalproperty_string_to_kind.argtypes = [ctypes.c_char_p]
    for name in ("icalcomponent_get_first_component", "icalcomponent_get_next_component"):
        getattr(lib, name).restype = ctypes.c_void_p
        getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.icalcomponent_get_first_property.restype = ctypes.c_void_p
    lib.icalcomponent_get_first_property.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.icalproperty_get_value_as_string.restype = ctypes.c_char_p
    lib.icalproperty_get_value_as_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    root = lib.icalparser_parse_string(text.encode("utf-8"))
    if not root:
        return None, []
    try:
        vevent = lib.icalcomponent_string_to_kind(b"VEVENT")
        events = []
        event = lib.icalcomponent_get_first_component(root, vevent)
        while event:
            values = {}
            for name in ("SUMMARY", "DTSTART", "DTEND", "LOCATION", "UID", "RECURRENCE-ID", "RRULE"):
                prop = lib.icalcomponent_get_first_property(
                    event, lib.icalproperty_string_to_kind(name.encode("ascii")))
                if prop:
                    values[name] = lib.icalproperty_get_value_as_string(prop).decode("utf-8")
            events.append(values)
            event = lib.icalcomponent_get_next_component(root, vevent)
        return lib.icalcomponent_count_errors(root), events
    finally:
        lib.icalcomponent_free(root)


class LibicalReaderTest(unittest.TestCase):
    """The libical reading must see errors and values, or the checks below could not fail."""

    def test_reads_values_and_counts_errors(self):
        good = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
                "UID:1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260310T090000Z\r\n"
                "SUMMARY:Cafe \u00e9t\u00e9\r\nEND:VEVENT\r\n"
                "BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20260317T090000Z\r\n"
                "DTSTART:20260318T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        errors, events = libical_events(good)
        self.assertEqual(errors, 0)
        self.assertEqual(events, [{"UID": "1", "DTSTART": "20260310T090000Z",
                                   "SUMMARY": "Cafe \u00e9t\u00e9"},
                                  {"UID": "1", "DTSTART": "20260318T140000Z",
                                   "RECURRENCE-ID": "20260317T090000Z"}])
        errors, _ = libical_events(good.replace("DTSTART:20260310T090000Z", "DTSTART:not a date"))
        self.assertGreater(errors, 0)


class ExportersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.mbox_tool = tool("exchange2mbox")
        cls.ical_tool = tool("exchange2ical")
        cls.user = testbed.add_mailbox_user(USER)
        cls.populate()

    @classmethod
    def ok(cls, s, rop, handles):
        value, rest, table = s.one(rop, handles)
        if value != EC_SUCCESS:
            raise AssertionError("ROP 0x%02x failed: 0x%08x" % (rop[0], value))
        return rest, table

    @classmethod
    def populate(cls):
        s = RopSession(cls.bed, USER, cls.user)
        try:
            s.logon()
            inbox_fid = s.folder_ids["inbox"]
            inbox = s.open_folder(inbox_fid)
            cls.create(s, inbox, inbox_fid, [(PID_TAG_SUBJECT_W, SUBJECTS[0]), (PID_TAG_BODY_W, BODY)])
            cls.create(s, inbox, inbox_fid, [(PID_TAG_SUBJECT_W, SUBJECTS[1]), (PID_TAG_BODY_W, BODY)],
                       recipients=RECIPIENTS, attachment=ATTACHMENT)

            # a folder below the Inbox, for --recursive and --folder PATH
            rest, table = cls.ok(s, create_folder_rop(SUB_FOLDER), [inbox, NONE_HANDLE])
            sub, sub_fid = table[1], struct.unpack_from("<Q", rest)[0]
            cls.create(s, sub, sub_fid, [(PID_TAG_SUBJECT_W, SUB_SUBJECT), (PID_TAG_BODY_W, BODY)])

            ipm = s.open_folder(s.folder_ids["ipm_subtree"])
            _, table = cls.ok(s, get_hierarchy_table(USE_UNICODE), [ipm, NONE_HANDLE])
            columns = [PID_TAG_DISPLAY_NAME_W, PID_TAG_FOLDER_ID]
            cls.ok(s, set_columns(columns), [table[1]])
            rest, _ = cls.ok(s, query_rows(100), [table[1]])
            n = struct.unpack_from("<H", rest, 1)[0]
            folders = dict(read_rows(rest, 3, n, columns)[0])
            s.release(table[1])
            cls.populate_embedded(s, ipm)
            cal_fid = folders["Calendar"]
            cal = s.open_folder(cal_fid)
            # the mailbox's ids for the named properties, created (MS-OXCPRPT 2.2.12)
            lids = (LID_START_WHOLE, LID_END_WHOLE, LID_APPOINTMENT_RECUR, LID_RECURRING,
                    LID_EXCEPTION_REPLACE_TIME)
            rest, _ = cls.ok(s, get_property_ids_from_names(
                [lid_name(PSETID_APPOINTMENT, lid) for lid in lids], create=True), [s.logon_handle])
            count, start_id, end_id, recur_id, recurring_id, replace_id = struct.unpack_from("<H5H", rest)
            assert count == 5 and min(start_id, end_id, recur_id, recurring_id, replace_id) >= 0x8000, rest
            _, table = cls.ok(s, create_message_rop(cal_fid), [cal, NONE_HANDLE])
            appt = table[1]
            cls.ok(s, set_values([(PID_TAG_MESSAGE_CLASS_W, "IPM.Appointment"), (PID_TAG_SUBJECT_W, APPT_SUBJECT),
                                  (start_id << 16 | PTYP_TIME, START), (end_id << 16 | PTYP_TIME, END),
                                  (recur_id << 16 | PTYP_BINARY, appointment_recur()),
                                  (recurring_id << 16 | PTYP_BOOLEAN, True)]), [appt])
            # the moved instance: an Exception Attachment object (MS-OXOCAL 2.2.10.1) holding an
            # Exception Embedded Message object (2.2.10.2) with what changed
            cls.embed(s, appt, [(PID_TAG_MESSAGE_CLASS_W, EXCEPTION_CLASS), (PID_TAG_SUBJECT_W, EX_SUBJECT),
                                (start_id << 16 | PTYP_TIME, EX_START), (end_id << 16 | PTYP_TIME, EX_END),
                                (replace_id << 16 | PTYP_TIME, EX_ORIGINAL)],
                      att_props=[(PID_TAG_DISPLAY_NAME_W, EX_SUBJECT),
                                 (PID_TAG_EXCEPTION_REPLACE_TIME, EX_ORIGINAL),
                                 (PID_TAG_EXCEPTION_START_TIME, EX_START),
                                 (PID_TAG_EXCEPTION_END_TIME, EX_END),
                                 (PID_TAG_ATTACHMENT_FLAGS, AF_EXCEPTION),
                                 (PID_TAG_ATTACHMENT_HIDDEN, True),
                                 (PID_TAG_RENDERING_POSITION, 0xFFFFFFFF)])
            # an embedded message that is no exception (no afException): counted, not exported
            cls.embed(s, appt, [(PID_TAG_MESSAGE_CLASS_W, "IPM.Note"), (PID_TAG_SUBJECT_W, FORWARDED_SUBJECT)])
            cls.ok(s, save_message_rop(KEEP_OPEN_READ_WRITE), [appt])
            s.release(appt)
        finally:
            s.close()

    @classmethod
    def attach_file(cls, s, message, name, data):
        _, table = cls.ok(s, bytes([0x23, 0, 0, 1]), [message, NONE_HANDLE])  # RopCreateAttachment
        att = table[1]
        cls.ok(s, set_properties([(PID_TAG_ATTACH_METHOD, ATTACH_BY_VALUE),
                                  (PID_TAG_ATTACH_LONG_FILENAME_W, name)]), [att])
        _, table = cls.ok(s, open_stream(PID_TAG_ATTACH_DATA_BINARY, STREAM_CREATE), [att, NONE_HANDLE])
        stream = table[1]
        for offset in range(0, len(data), 4096):
            cls.ok(s, write_stream_rop(data[offset:offset + 4096]), [stream])
        cls.ok(s, bytes([0x5D, 0, 0]), [stream])  # RopCommitStream
        s.release(stream)
        cls.ok(s, bytes([0x25, 0, 0, 1, KEEP_OPEN_READ_WRITE]), [message, att])  # RopSaveChangesAttachment
        s.release(att)

    @classmethod
    def embed(cls, s, message, props, recipients=(), attachment=None, nested=None, display_name=None,
              att_props=()):
        """An attachment made an embedded message by RopOpenEmbeddedMessage with Create
        (MS-OXCROPS 2.2.6.16.1), filled, saved into the attachment, the attachment into MESSAGE."""
        _, table = cls.ok(s, bytes([0x23, 0, 0, 1]), [message, NONE_HANDLE])  # RopCreateAttachment
        att = table[1]
        if display_name is not None:
            cls.ok(s, set_properties([(PID_TAG_DISPLAY_NAME_W, display_name)]), [att])
        if att_props:
            cls.ok(s, set_values(att_props), [att])
        _, table = cls.ok(s, bytes([0x46, 0, 0, 1]) + struct.pack("<HB", 0x0FFF, OPEN_EMBEDDED_CREATE),
                          [att, NONE_HANDLE])
        embedded = table[1]
        cls.ok(s, set_values(props), [embedded])
        if recipients:
            cls.ok(s, modify_recipients_rop(recipients), [embedded])
        if attachment is not None:
            cls.attach_file(s, embedded, *attachment)
        if nested is not None and isinstance(nested[0], list):
            cls.embed(s, embedded, nested[0], nested=nested[1:] or None)
        elif nested is not None:
            cls.embed(s, embedded, nested)
        cls.ok(s, save_message_rop(KEEP_OPEN_READ_WRITE), [embedded])
        s.release(embedded)
        cls.ok(s, bytes([0x25, 0, 0, 1, KEEP_OPEN_READ_WRITE]), [message, att])  # RopSaveChangesAttachment
        s.release(att)

    @classmethod
    def populate_embedded(cls, s, ipm):
        rest, table = cls.ok(s, create_folder_rop(EMB_FOLDER), [ipm, NONE_HANDLE])
        folder, fid = table[1], struct.unpack_from("<Q", rest)[0]
        _, table = cls.ok(s, create_message_rop(fid), [folder, NONE_HANDLE])
        message = table[1]
        cls.ok(s, set_properties([(PID_TAG_SUBJECT_W, OUTER_SUBJECT), (PID_TAG_BODY_W, BODY)]), [message])
        cls.embed(s, message, [(PID_TAG_MESSAGE_CLASS_W, "IPM.Note"), (PID_TAG_SUBJECT_W, EMB_SUBJECT),
                               (PID_TAG_BODY_W, EMB_BODY)],
                  recipients=RECIPIENTS, attachment=(EMB_ATT_NAME, EMB_ATTACHMENT),
                  nested=[(PID_TAG_SUBJECT_W, NESTED_SUBJECT), (PID_TAG_BODY_W, NESTED_BODY)],
                  display_name=EMB_DISPLAY_NAME)
        cls.ok(s, save_message_rop(KEEP_OPEN_READ_WRITE), [message])
        s.release(message)
        # a chain deeper than the exporter goes
        _, table = cls.ok(s, create_message_rop(fid), [folder, NONE_HANDLE])
        message = table[1]
        cls.ok(s, set_properties([(PID_TAG_SUBJECT_W, DEEP_SUBJECT)]), [message])
        chain = [[(PID_TAG_SUBJECT_W, "Уровень %d" % level), (PID_TAG_BODY_W, "Текст %d\n" % level)]
                 for level in range(1, DEEP_LEVELS + 1)]
        cls.embed(s, message, chain[0], nested=chain[1:])
        cls.ok(s, save_message_rop(KEEP_OPEN_READ_WRITE), [message])
        s.release(message)
        s.release(folder)

    @classmethod
    def create(cls, s, folder, fid, props, recipients=(), attachment=None, times=(), embedded=None):
        _, table = cls.ok(s, create_message_rop(fid), [folder, NONE_HANDLE])
        message = table[1]
        cls.ok(s, set_properties(props), [message])
        if times:
            cls.ok(s, set_times(times), [message])
        if recipients:
            cls.ok(s, modify_recipients_rop(recipients), [message])
        if attachment is not None:
            cls.attach_file(s, message, ATT_NAME, attachment)
        if embedded is not None:
            cls.embed(s, message, embedded)
        cls.ok(s, save_message_rop(KEEP_OPEN_READ_WRITE), [message])
        s.release(message)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="exporters-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def credentials(self, password=None):
        return ["--server", self.bed.address, "--user", USER,
                "--password", password or self.user["password"], "--domain", self.bed.domain]

    def run_tool(self, program, *args, expect=0):
        done = subprocess.run([program] + list(args), capture_output=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
        self.assertGreaterEqual(done.returncode, 0, "crashed: " + out + err)
        self.assertEqual(done.returncode, expect, out + err[-4000:])
        return out, err

    def test_mbox(self):
        path = os.path.join(self.tmp, "inbox.mbox")
        out, err = self.run_tool(self.mbox_tool, *self.credentials(), "--output", path)
        self.assertEqual(out.strip(), "2 messages exported")
        self.assertEqual(err, "", "no progress when stderr is not a terminal")
        box = mailbox.mbox(path, create=False)
        messages = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
                    for k in box.keys()]
        box.close()
        self.assertEqual(sorted(str(m["subject"]) for m in messages), sorted(SUBJECTS))
        with_att = [m for m in messages if str(m["subject"]) == SUBJECTS[1]][0]
        atts = list(with_att.iter_attachments())
        self.assertEqual(len(atts), 1)
        self.assertEqual(atts[0].get_filename(), ATT_NAME)
        self.assertEqual(atts[0].get_content(), ATTACHMENT)
        self.assertIn("ivan@example.com", str(with_att["to"]))
        body = with_att.get_body(preferencelist=("plain",))
        self.assertEqual(body.get_content().replace("\r\n", "\n"), BODY)

        # the tree, appended, not replaced
        out, _ = self.run_tool(self.mbox_tool, *self.credentials(), "--folder", "Inbox",
                               "--recursive", "--output", path)
        self.assertEqual(out.strip(), "3 messages exported")
        box = mailbox.mbox(path, create=False)
        subjects = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)["subject"]
                    for k in box.keys()]
        box.close()
        self.assertEqual(len(subjects), 5)
        self.assertEqual(subjects.count(SUB_SUBJECT), 1)

        # a subfolder by its path
        sub = os.path.join(self.tmp, "sub.mbox")
        out, _ = self.run_tool(self.mbox_tool, *self.credentials(), "--folder", "Inbox/" + SUB_FOLDER,
                               "--output", sub)
        self.assertEqual(out.strip(), "1 messages exported")

    def test_embedded_messages(self):
        """An attachment holding an embedded message is a message/rfc822 part: the embedded
        message's subject, body, recipient and attachment bytes, and the message embedded in it."""
        path = os.path.join(self.tmp, "embedded.mbox")
        out, _ = self.run_tool(self.mbox_tool, *self.credentials(), "--folder", EMB_FOLDER,
                               "--output", path)
        self.assertEqual(out.strip(), "2 messages exported")
        box = mailbox.mbox(path, create=False)
        messages = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
                    for k in box.keys()]
        box.close()
        self.assertEqual(len(messages), 2)
        outer = [m for m in messages if str(m["subject"]) == OUTER_SUBJECT][0]
        self.assertEqual(str(outer["subject"]), OUTER_SUBJECT)
        atts = list(outer.iter_attachments())
        self.assertEqual([a.get_content_type() for a in atts], ["message/rfc822"])
        self.assertEqual(atts[0].get_filename(), EMB_DISPLAY_NAME)
        inner = atts[0].get_content()
        self.assertEqual(str(inner["subject"]), EMB_SUBJECT)
        self.assertEqual(inner.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n"),
                         EMB_BODY)
        self.assertIn("ivan@example.com", str(inner["to"]))
        inner_atts = list(inner.iter_attachments())
        self.assertEqual([a.get_content_type() for a in inner_atts],
                         ["application/octet-stream", "message/rfc822"])
        self.assertEqual(inner_atts[0].get_filename(), EMB_ATT_NAME)
        self.assertEqual(inner_atts[0].get_content(), EMB_ATTACHMENT)
        nested = inner_atts[1].get_content()
        self.assertEqual(str(nested["subject"]), NESTED_SUBJECT)
        self.assertEqual(nested.get_content().replace("\r\n", "\n"), NESTED_BODY)

        # eight messages deep (the outer one and seven embedded), then a note in place of the rest
        m = [m for m in messages if str(m["subject"]) == DEEP_SUBJECT][0]
        for level in range(1, 8):
            parts = list(m.iter_attachments())
            self.assertEqual([p.get_content_type() for p in parts], ["message/rfc822"], level)
            m = parts[0].get_content()
            self.assertEqual(str(m["subject"]), "Уровень %d" % level)
            self.assertEqual(m.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n"),
                             "Текст %d\n" % level)
        parts = list(m.iter_attachments())
        self.assertEqual([p.get_content_type() for p in parts], ["text/plain"])
        self.assertIn("not exported", parts[0].get_content())

    def test_progress_on_a_terminal(self):
        master, slave = pty.openpty()
        try:
            done = subprocess.run([self.mbox_tool] + self.credentials()
                                  + ["--output", os.path.join(self.tmp, "p.mbox")],
                                  stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
                                  timeout=300)
            os.close(slave)
            slave = None
            seen = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        self.assertEqual(done.returncode, 0, seen)
        self.assertIn("Inbox: 2/2", seen.decode("utf-8"))
        self.assertEqual(done.stdout.decode().strip(), "2 messages exported")

    def events(self, path):
        """The VEVENTs of an exported .ics: {property name: value} each, the first of each name."""
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        # every exported file must be one libical reads without an error
        self.assertEqual(libical_events(text)[0], 0, text[:2000])
        lines = ics_lines(text)
        self.assertEqual(lines[0], "BEGIN:VCALENDAR")
        self.assertEqual(lines[-1], "END:VCALENDAR")
        self.assertIn("VERSION:2.0", lines)
        events, current = [], None
        for line in lines:
            if line == "BEGIN:VEVENT":
                current = {}
            elif line == "END:VEVENT":
                events.append(current)
                current = None
            elif current is not None:
                name, _, value = line.partition(":")
                current.setdefault(name.split(";")[0], value)
        return events

    def test_ical(self):
        path = os.path.join(self.tmp, "calendar.ics")
        out, _ = self.run_tool(self.ical_tool, *self.credentials(), "--output", path)
        self.assertRegex(out, r"^\d+ appointments exported")
        # the exception is exported; the other embedded message is only counted
        self.assertIn("\n1 exceptions of recurring appointments exported\n", out)
        self.assertIn("\n1 embedded messages not exported\n", out)
        self.assertNotIn("exceptions of recurring appointments not exported", out)
        events = self.events(path)
        event = [e for e in events if e.get("SUMMARY") == APPT_SUBJECT]
        self.assertEqual(len(event), 1)
        self.assertEqual(event[0].get("DTSTART"), "20260310T090000Z")
        self.assertEqual(event[0].get("DTEND"), "20260310T103000Z")
        self.assertEqual(event[0].get("RRULE"), "FREQ=WEEKLY;COUNT=5;BYDAY=TU")
        self.assertNotIn("RECURRENCE-ID", event[0])
        # the deleted instance is an EXDATE, the moved one not (MS-OXCICAL 2.1.3.1.1.20.13)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        lines = ics_lines(text)
        self.assertIn("EXDATE:20260324T090000Z", lines)
        self.assertEqual([l for l in lines if l.startswith("EXDATE")], ["EXDATE:20260324T090000Z"])
        # the moved instance: a VEVENT of the series' UID, RECURRENCE-ID its original start
        uid = event[0]["UID"]
        moved = [e for e in events if e.get("UID") == uid and "RECURRENCE-ID" in e]
        self.assertEqual(len(moved), 1, events)
        self.assertEqual(moved[0]["RECURRENCE-ID"], "20260317T090000Z")
        self.assertEqual((moved[0].get("DTSTART"), moved[0].get("DTEND")),
                         ("20260318T140000Z", "20260318T153000Z"))
        self.assertEqual(moved[0].get("SUMMARY"), EX_SUBJECT)
        self.assertNotIn("RRULE", moved[0])
        self.assertFalse([e for e in events if e.get("SUMMARY") == FORWARDED_SUBJECT])
        # libical reads the same file without an error, and the same values
        errors, events = libical_events(text)
        self.assertEqual(errors, 0)
        mine = [e for e in events if e.get("SUMMARY") == APPT_SUBJECT]
        self.assertEqual(len(mine), 1, events)
        self.assertEqual((mine[0].get("DTSTART"), mine[0].get("DTEND")),
                         ("20260310T090000Z", "20260310T103000Z"))
        self.assertNotIn("RECURRENCE-ID", mine[0])
        self.assertEqual(mine[0].get("UID"), uid)
        moved = [e for e in events if e.get("RECURRENCE-ID")]
        self.assertEqual(len(moved), 1, events)
        self.assertEqual((moved[0]["UID"], moved[0]["RECURRENCE-ID"], moved[0].get("DTSTART"),
                          moved[0].get("SUMMARY")),
                         (uid, "20260317T090000Z", "20260318T140000Z", EX_SUBJECT))

    def test_import(self):
        src = os.path.join(self.tmp, "in.ics")
        with open(src, "w", newline="") as f:
            f.write("\r\n".join([
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test_exporters//EN",
                "BEGIN:VEVENT", "UID:test-exporters-import-1", "DTSTAMP:20260101T000000Z",
                "DTSTART:20260412T140000Z", "DTEND:20260412T150000Z",
                "SUMMARY:Импорт: встреча", "LOCATION:Переговорная 3",
                "ATTENDEE;CN=Ivan:mailto:ivan@example.com",
                "END:VEVENT",
                # an exception of a series (MS-OXCICAL 2.1.3.1.1.20): no appointment of its own
                "BEGIN:VEVENT", "UID:test-exporters-import-1", "DTSTAMP:20260101T000000Z",
                "RECURRENCE-ID:20260419T140000Z", "DTSTART:20260420T140000Z",
                "SUMMARY:Импорт: исключение", "END:VEVENT",
                "END:VCALENDAR", ""]))
        out, _ = self.run_tool(self.ical_tool, *self.credentials(), "--import", src)
        self.assertEqual(out.strip(), "1 appointments imported\n"
                         "1 exceptions of recurring events (RECURRENCE-ID) not imported")
        path = os.path.join(self.tmp, "after.ics")
        self.run_tool(self.ical_tool, *self.credentials(), "--output", path)
        event = [e for e in self.events(path) if e.get("SUMMARY") == "Импорт: встреча"]
        self.assertEqual(len(event), 1, self.events(path))
        self.assertEqual(event[0].get("DTSTART"), "20260412T140000Z")
        self.assertEqual(event[0].get("LOCATION"), "Переговорная 3")
        self.assertIn("ivan@example.com", event[0].get("ATTENDEE", "").lower())
        self.assertFalse([e for e in self.events(path) if e.get("SUMMARY") == "Импорт: исключение"])
        self.run_tool(self.ical_tool, *self.credentials(), "--import", os.path.join(self.tmp, "none"),
                      expect=1)

    def test_under_valgrind(self):
        """Both exports and the import without a leak or a memory error (samba's own leaks suppressed)."""
        valgrind = shutil.which("valgrind")
        if valgrind is None:
            self.skipTest("valgrind is not installed")
        suppressions = [os.path.join(HERE, "..", "valgrind", name)
                        for name in ("samba.supp", "libmapi.supp")]
        src = os.path.join(self.tmp, "v-in.ics")
        with open(src, "w") as f:
            f.write("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\nBEGIN:VEVENT\nUID:v1\n"
                    "DTSTAMP:20260101T000000Z\nDTSTART:20260501T080000Z\nSUMMARY:valgrind\n"
                    "ATTENDEE:mailto:a@example.com\nEND:VEVENT\nEND:VCALENDAR\n")
        for wrapper, args in ((self.mbox_tool, ["--output", os.path.join(self.tmp, "v.mbox")]),
                              (self.mbox_tool, ["--folder", EMB_FOLDER,
                                                "--output", os.path.join(self.tmp, "v-emb.mbox")]),
                              (self.ical_tool, ["--output", os.path.join(self.tmp, "v.ics")]),
                              (self.ical_tool, ["--import", src])):
            # libtool's wrapper script is a shell script: run the real binary
            program = os.path.join(os.path.dirname(wrapper), ".libs", os.path.basename(wrapper))
            if not os.access(program, os.X_OK):
                program = wrapper
            lib = os.path.join(os.path.dirname(wrapper), "..", "..", "libmapi", ".libs")
            done = subprocess.run(
                [valgrind, "--error-exitcode=9", "--leak-check=full", "-q",
                 *["--suppressions=" + path for path in suppressions], program]
                + self.credentials() + args,
                capture_output=True, timeout=600, stdin=subprocess.DEVNULL,
                env=dict(os.environ, LD_LIBRARY_PATH=os.path.abspath(lib)))
            out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
            self.assertEqual(done.returncode, 0, out + err[-6000:])
            self.assertRegex(out, r"^\d+ (messages|appointments) (exported|imported)")

    def test_bad_password(self):
        for program in (self.mbox_tool, self.ical_tool):
            _, err = self.run_tool(program, *self.credentials("wrong-password"), "--output",
                                   os.path.join(self.tmp, "x"), expect=1)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_usage(self):
        for program in (self.mbox_tool, self.ical_tool):
            self.run_tool(program, expect=2)
            self.run_tool(program, "--bogus", expect=2)
            self.run_tool(program, *self.credentials(), expect=2)  # no --output
            out, _ = self.run_tool(program, "--help")
            self.assertIn("--output", out)
        self.run_tool(self.ical_tool, *self.credentials(), "--output", "a", "--import", "b", expect=2)
        _, err = self.run_tool(self.mbox_tool, *self.credentials(), "--folder", "No such folder",
                               "--output", os.path.join(self.tmp, "y"), expect=1)
        self.assertIn("no folder", err)


if __name__ == "__main__":
    unittest.main()
