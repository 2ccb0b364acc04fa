"""The NSPI provider (MS-OXNSPI) and RFR (MS-OXABREF) over the test bed's
provisioned Exchange organization, with python3-impacket as the client
(spec-conformant NDR classes where impacket deviates: nspi_client.py).

The address book holds dozens of users, groups and contacts with Latin,
accented, Cyrillic, Greek and Japanese display names (the test bed's
populate_address_book); every call is checked with its positive cases and
the error cases of its server processing rules.
"""
import os
import secrets
import sys
import unittest

from impacket.dcerpc.v5 import nspi

from oc_testbed_env import TestBedEnv
import nspi_client as c
from nspi_client import Fault, Session

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import testbed  # noqa: E402

N_USERS, N_GROUPS, N_CONTACTS = 40, 6, 8
PREFIX = "ns"
ENTRIES = []
DEMO = {}


def shared_bed():
    """The helpers of testbed.TestBed over the bed this process runs in
    (they only need its smb.conf)."""
    bed = testbed.TestBed.__new__(testbed.TestBed)
    bed.exchange = True
    bed._directory = None
    bed.smb_conf = os.environ["OC_TESTBED_SMB_CONF"]
    bed.timings = {}
    return bed


def setUpModule():
    env = TestBedEnv()
    if os.environ.get("OC_TESTBED_EXCHANGE") != "1":
        raise unittest.SkipTest("the test bed has no Exchange organization")
    bed = shared_bed()
    ENTRIES[:] = bed.populate_address_book(N_USERS, N_GROUPS, N_CONTACTS, prefix=PREFIX)
    password = "Demo-%s.1" % secrets.token_hex(4)
    DEMO.update(bed.add_mailbox_user(PREFIX + "demo", display_name="Nspi Demo User",
                                     password=password, given_name="Nspi", surname="Demo"))
    DEMO["password"] = password
    DEMO["name"] = PREFIX + "demo"
    users = [e for e in ENTRIES if e["kind"] == "user"]
    bed.add_group(PREFIX + "team", display_name="Nspi Team",
                  members=[users[0]["name"], users[1]["name"]])
    env.bed_helpers = bed


def fold(text):
    return text.lower()


class NspiBase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = TestBedEnv()

    def connect(self, user=None, password=None, level=c.SEAL):
        dce = c.connect(self.env.address, self.env.domain, user or self.env.admin_user,
                        password or self.env.admin_password, level=level)
        self.addCleanup(dce.disconnect)
        return dce

    def session(self, code_page=1252, user=None, password=None):
        result, session = Session.bind(self.connect(user, password), code_page)
        self.assertEqual(result, c.SUCCESS)
        return session

    def gal(self, session, tags=(c.PR_DISPLAY_NAME, c.PR_EMAIL_ADDRESS, c.PR_INSTANCE_KEY)):
        response = session.query_rows(c.stat(), count=1000, tags=list(tags))
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        return c.rows_of(response["ppRows"])

    def mid_of(self, session, legacy_dn):
        response = session.dn_to_mid([legacy_dn])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        mid = c.mids_of(response["ppOutMIds"])[0]
        self.assertGreaterEqual(mid, 0x10)
        return mid

    def assert_fault(self, code, fn, *args, **kwargs):
        with self.assertRaises(Fault) as caught:
            fn(*args, **kwargs)
        self.assertEqual(caught.exception.code, code, "fault 0x%08x" % caught.exception.code)


class Bind(NspiBase):
    def test_bind_returns_handle_and_server_guid(self):
        dce = self.connect()
        result, session = Session.bind(dce)
        self.assertEqual(result, c.SUCCESS)
        self.assertNotEqual(session.handle["context_handle_uuid"], b"\x00" * 16)
        self.assertIsNotNone(session.server_guid)
        self.assertNotEqual(session.server_guid, b"\x00" * 16)
        # the same server GUID in every binding, and as PidTagMappingSignature
        _, other = Session.bind(dce)
        self.assertEqual(other.server_guid, session.server_guid)
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        response = session.get_props(mid, [c.PR_MAPPING_SIGNATURE])
        value = nspi.simplifyPropertyRow(response["ppRows"])[c.PR_MAPPING_SIGNATURE]
        self.assertEqual(value.replace("-", ""), _guid_text(session.server_guid))

    def test_unbind(self):
        dce = self.connect()
        _, session = Session.bind(dce)
        response = session.unbind()
        self.assertEqual(response["ErrorCode"], c.UNBIND_SUCCESS)
        self.assertEqual(response["contextHandle"]["context_handle_uuid"], b"\x00" * 16)
        # the handle is gone: the RPC runtime's context mismatch fault
        self.assert_fault(c.FAULT_CONTEXT_MISMATCH, session.query_rows, c.stat())
        self.assert_fault(c.FAULT_CONTEXT_MISMATCH, session.unbind)
        # NspiUnbind rule 1: a NULL context handle is UnbindFailure
        null = nspi.handle_t()
        null["context_handle_attributes"] = 0
        null["context_handle_uuid"] = b"\x00" * 16
        self.assertEqual(self.session().unbind(null)["ErrorCode"], c.UNBIND_FAILURE)

    def test_unicode_code_page_is_refused(self):
        result, session = Session.bind(self.connect(), code_page=c.CP_WINUNICODE)
        self.assertEqual(result, 0x8004011E)
        self.assertEqual(session.handle["context_handle_uuid"], b"\x00" * 16)

    def test_unknown_code_page_is_refused(self):
        result, _ = Session.bind(self.connect(), code_page=4242)
        self.assertEqual(result, c.INVALID_CODEPAGE)

    def test_other_code_pages(self):
        for code_page in (20127, 1251, 932, 65001, 20261):
            with self.subTest(code_page=code_page):
                result, _ = Session.bind(self.connect(), code_page=code_page)
                self.assertEqual(result, c.SUCCESS)

    def test_anonymous_login_flag_is_refused(self):
        result, session = Session.bind(self.connect(), flags=c.fAnonymousLogin)
        self.assertEqual(result, c.LOGON_FAILED)
        self.assertEqual(session.handle["context_handle_uuid"], b"\x00" * 16)

    def test_forged_handle_faults(self):
        session = self.session()
        forged = nspi.handle_t()
        forged["context_handle_attributes"] = 0
        forged["context_handle_uuid"] = os.urandom(16)
        session.handle = forged
        self.assert_fault(c.FAULT_CONTEXT_MISMATCH, session.query_rows, c.stat())
        self.assert_fault(c.FAULT_CONTEXT_MISMATCH, session.resolve_names_w, ["x"])

    def test_handle_of_another_connection_faults(self):
        first = self.session()
        second = self.session()
        first.handle, second.handle = second.handle, first.handle
        self.assert_fault(c.FAULT_CONTEXT_MISMATCH, first.query_rows, c.stat())

    def test_opnum_15_is_not_on_the_wire(self):
        # MS-OXNSPI 3.1.4.1: Opnum15NotUsedOnWire, "reserved for local use"
        dce = self.connect()
        dce.call(15, b"\x00" * 24)
        with self.assertRaises(Exception) as caught:
            dce.recv()
        self.assertEqual(str(caught.exception), "nca_s_op_rng_error")

    def test_any_domain_user_can_bind(self):
        session = self.session(user=DEMO["name"], password=DEMO["password"])
        self.assertEqual(session.query_rows(c.stat(), count=5)["ErrorCode"], c.SUCCESS)


def _guid_text(raw):
    """MS-DTYP GUID text of 16 wire bytes (Data1-3 little-endian)."""
    import uuid
    return str(uuid.UUID(bytes_le=raw)).replace("-", "")


class Tables(NspiBase):
    def test_gal_holds_every_recipient_sorted_by_display_name(self):
        session = self.session()
        rows = self.gal(session)
        names = [r[c.PR_DISPLAY_NAME] for r in rows]
        for entry in ENTRIES:
            self.assertIn(entry["display_name"], names)
        self.assertIn("Nspi Demo User", names)
        folded = [fold(n) for n in names]
        self.assertEqual(folded, sorted(folded), "the GAL is sorted by display name")
        mids = [r[c.PR_INSTANCE_KEY] for r in rows]
        self.assertTrue(all(m >= 0x10 for m in mids))
        self.assertEqual(len(set(mids)), len(mids))
        # no account without a mailbox (Administrator) is in it
        self.assertNotIn("Administrator", names)

    def test_paging_with_count(self):
        session = self.session()
        everything = self.gal(session)
        st = c.stat()
        seen = []
        while True:
            response = session.query_rows(st, count=7, tags=[c.PR_DISPLAY_NAME])
            self.assertEqual(response["ErrorCode"], c.SUCCESS)
            rows = c.rows_of(response["ppRows"]) or []
            seen.extend(r[c.PR_DISPLAY_NAME] for r in rows)
            st = response["pStat"]
            self.assertEqual(st["TotalRecs"], len(everything))
            self.assertEqual(st["NumPos"], len(seen))
            if not rows:
                break
        self.assertEqual(seen, [r[c.PR_DISPLAY_NAME] for r in everything])
        self.assertEqual(st["CurrentRec"], c.MID_END_OF_TABLE)

    def test_default_columns(self):
        # 3.1.4.1.8: without pPropTags, the seven default columns
        session = self.session()
        response = session.query_rows(c.stat(), count=3, tags=None)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        tags = [v["ulPropTag"] for v in response["ppRows"]["aRow"][0]["lpProps"]]
        self.assertEqual([t >> 16 for t in tags],
                         [0xFFFD, 0x0FFE, 0x3900, 0x3001, 0x3A1A, 0x3A18, 0x3A19])
        self.assertEqual(tags[3], c.PR_DISPLAY_NAME_A)
        # a recipient's PidTagAddressBookContainerId: the container it is read from
        self.assertEqual(response["ppRows"]["aRow"][0]["lpProps"][0]["Value"]["l"], 0)

    def test_explicit_table(self):
        session = self.session()
        rows = self.gal(session)
        mids = [rows[5][c.PR_INSTANCE_KEY], rows[1][c.PR_INSTANCE_KEY], 0x7FFFFFF0]
        st = c.stat(current=rows[3][c.PR_INSTANCE_KEY], num_pos=3)
        response = session.query_rows(st, count=10, tags=[c.PR_DISPLAY_NAME], etable=mids)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        got = c.rows_of(response["ppRows"])
        self.assertEqual(got[0][c.PR_DISPLAY_NAME], rows[5][c.PR_DISPLAY_NAME])
        self.assertEqual(got[1][c.PR_DISPLAY_NAME], rows[1][c.PR_DISPLAY_NAME])
        # an unknown MId gives a row of PtypErrorCode NotFound
        self.assertEqual(got[2], {c.err_tag(c.PR_DISPLAY_NAME): c.NOT_FOUND})
        # the STAT is not touched by an explicit table
        self.assertEqual(response["pStat"]["CurrentRec"], rows[3][c.PR_INSTANCE_KEY])
        # at most Count rows, from the beginning of the explicit table
        response = session.query_rows(st, count=1, tags=[c.PR_DISPLAY_NAME], etable=mids)
        self.assertEqual([r[c.PR_DISPLAY_NAME] for r in c.rows_of(response["ppRows"])],
                         [rows[5][c.PR_DISPLAY_NAME]])

    def test_query_rows_errors(self):
        session = self.session()
        self.assertEqual(session.query_rows(c.stat(), count=0)["ErrorCode"], c.INVALID_PARAMETER)
        self.assertEqual(session.query_rows(c.stat(container=0x7FFFFFF0))["ErrorCode"],
                         c.INVALID_BOOKMARK)
        self.assertEqual(session.query_rows(c.stat(current=0x7FFFFFF0))["ErrorCode"], c.NOT_FOUND)
        # 8-bit columns in the Unicode code page
        self.assertEqual(session.query_rows(c.stat(code_page=c.CP_WINUNICODE),
                                            tags=[c.PR_DISPLAY_NAME_A])["ErrorCode"],
                         c.INVALID_CODEPAGE)
        self.assertEqual(session.query_rows(c.stat(sort_type=1))["ErrorCode"], c.GENERAL_FAILURE)

    def test_position_from_a_mid_with_delta(self):
        session = self.session()
        rows = self.gal(session)
        st = c.stat(current=rows[4][c.PR_INSTANCE_KEY], delta=2)
        response = session.query_rows(st, count=2, tags=[c.PR_DISPLAY_NAME])
        got = c.rows_of(response["ppRows"])
        self.assertEqual([r[c.PR_DISPLAY_NAME] for r in got],
                         [rows[6][c.PR_DISPLAY_NAME], rows[7][c.PR_DISPLAY_NAME]])
        self.assertEqual(response["pStat"]["CurrentRec"], rows[8][c.PR_INSTANCE_KEY])
        self.assertEqual(response["pStat"]["NumPos"], 8)
        self.assertEqual(response["pStat"]["Delta"], 0)

    def test_update_stat(self):
        session = self.session()
        rows = self.gal(session)
        total = len(rows)
        response = session.update_stat(c.stat(delta=5))
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(response["pStat"]["CurrentRec"], rows[5][c.PR_INSTANCE_KEY])
        self.assertEqual(response["pStat"]["NumPos"], 5)
        self.assertEqual(response["pStat"]["TotalRecs"], total)
        self.assertEqual(response["plDelta"], 5)
        # from the end backwards, clamped at the beginning
        response = session.update_stat(c.stat(current=c.MID_END_OF_TABLE, delta=-1))
        self.assertEqual(response["pStat"]["CurrentRec"], rows[-1][c.PR_INSTANCE_KEY])
        self.assertEqual(response["plDelta"], -1)
        response = session.update_stat(c.stat(current=rows[2][c.PR_INSTANCE_KEY], delta=-100))
        self.assertEqual(response["pStat"]["CurrentRec"], rows[0][c.PR_INSTANCE_KEY])
        self.assertEqual(response["plDelta"], -2)
        response = session.update_stat(c.stat(delta=total + 10))
        self.assertEqual(response["pStat"]["CurrentRec"], c.MID_END_OF_TABLE)
        self.assertEqual(response["pStat"]["NumPos"], total)
        # fractional: half way through whatever the client thought the size was
        response = session.update_stat(c.stat(current=c.MID_CURRENT, num_pos=50, total=100))
        self.assertEqual(response["pStat"]["NumPos"], total // 2)
        self.assertEqual(response["pStat"]["CurrentRec"], rows[total // 2][c.PR_INSTANCE_KEY])
        # plDelta is optional
        self.assertEqual(session.update_stat(c.stat(delta=1), want_delta=False)["ErrorCode"],
                         c.SUCCESS)

    def test_update_stat_errors(self):
        session = self.session()
        self.assertEqual(session.update_stat(c.stat(container=0x7FFFFFF0))["ErrorCode"],
                         c.INVALID_BOOKMARK)
        self.assertEqual(session.update_stat(c.stat(current=0x7FFFFFF0))["ErrorCode"],
                         c.NOT_FOUND)
        self.assertEqual(session.update_stat(c.stat(code_page=c.CP_WINUNICODE))["ErrorCode"],
                         c.INVALID_CODEPAGE)

    def test_compare_mids(self):
        session = self.session()
        rows = self.gal(session)
        first, later = rows[2][c.PR_INSTANCE_KEY], rows[9][c.PR_INSTANCE_KEY]
        response = session.compare_mids(first, later)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertLess(response["plResult"], 0)
        self.assertGreater(session.compare_mids(later, first)["plResult"], 0)
        self.assertEqual(session.compare_mids(first, first)["plResult"], 0)
        self.assertEqual(session.compare_mids(first, 0x7FFFFFF0)["ErrorCode"], c.GENERAL_FAILURE)

    def test_seek_entries(self):
        session = self.session()
        rows = self.gal(session)
        names = [r[c.PR_DISPLAY_NAME] for r in rows]
        target = "M"
        expected = next(i for i, n in enumerate(names) if fold(n) >= "m")
        response = session.seek_entries(c.stat(), target, tags=[c.PR_DISPLAY_NAME])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(response["pStat"]["CurrentRec"], rows[expected][c.PR_INSTANCE_KEY])
        self.assertEqual(response["pStat"]["NumPos"], expected)
        got = c.rows_of(response["ppRows"])
        self.assertEqual(got[0][c.PR_DISPLAY_NAME], names[expected])
        # 8-bit target in the STAT's code page
        response = session.seek_entries(c.stat(), "m".encode("cp1252"),
                                        target_tag=c.PR_DISPLAY_NAME_A)
        self.assertEqual(response["pStat"]["NumPos"], expected)
        # past every name
        self.assertEqual(session.seek_entries(c.stat(), "\uffff")["ErrorCode"], c.NOT_FOUND)
        # 3.1.4.1.9: the rows carry ephemeral entry IDs; Delta is left alone
        response = session.seek_entries(c.stat(delta=3), target, tags=[c.PR_ENTRYID])
        self.assertIsInstance(c.rows_of(response["ppRows"])[0][c.PR_ENTRYID], nspi.EphemeralEntryID)
        self.assertEqual(response["pStat"]["Delta"], 3)
        # another sort type, phonetic order (no phonetic names here), another
        # target property, an unknown container
        self.assertEqual(session.seek_entries(c.stat(sort_type=1), "M")["ErrorCode"],
                         c.GENERAL_FAILURE)
        self.assertEqual(session.seek_entries(c.stat(sort_type=c.SORT_PHONETIC_DISPLAY_NAME), "M")
                         ["ErrorCode"], c.GENERAL_FAILURE)
        self.assertEqual(session.seek_entries(c.stat(container=0x7FFFFFF0), "M")["ErrorCode"],
                         c.INVALID_BOOKMARK)
        self.assertEqual(session.seek_entries(c.stat(), "x", target_tag=c.PR_SMTP_ADDRESS)
                         ["ErrorCode"], c.GENERAL_FAILURE)

    def test_seek_entries_in_explicit_table(self):
        session = self.session()
        rows = self.gal(session)
        chosen = [rows[i][c.PR_INSTANCE_KEY] for i in (20, 3, 11)]
        response = session.seek_entries(c.stat(), rows[10][c.PR_DISPLAY_NAME], etable=chosen,
                                        tags=[c.PR_DISPLAY_NAME])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(response["pStat"]["CurrentRec"], rows[11][c.PR_INSTANCE_KEY])
        self.assertEqual(response["pStat"]["TotalRecs"], 3)
        self.assertEqual([r[c.PR_DISPLAY_NAME] for r in c.rows_of(response["ppRows"])],
                         [rows[11][c.PR_DISPLAY_NAME], rows[20][c.PR_DISPLAY_NAME]])

    def test_resort_restriction(self):
        session = self.session()
        rows = self.gal(session)
        mids = [rows[i][c.PR_INSTANCE_KEY] for i in (12, 3, 30, 7)] + [0x7FFFFFF0]
        st = c.stat(current=rows[7][c.PR_INSTANCE_KEY])
        response = session.resort_restriction(st, mids)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(c.mids_of(response["ppOutMIds"]),
                         [rows[i][c.PR_INSTANCE_KEY] for i in (3, 7, 12, 30)])
        self.assertEqual(response["pStat"]["NumPos"], 1)
        self.assertEqual(response["pStat"]["TotalRecs"], 4)
        # a CurrentRec outside the result: the beginning of the table
        response = session.resort_restriction(c.stat(current=rows[1][c.PR_INSTANCE_KEY], num_pos=9), mids)
        self.assertEqual(response["pStat"]["CurrentRec"], c.MID_BEGINNING_OF_TABLE)
        self.assertEqual(response["pStat"]["NumPos"], 0)
        self.assertEqual(session.resort_restriction(c.stat(sort_type=7), mids)["ErrorCode"],
                         c.GENERAL_FAILURE)
        self.assertEqual(session.resort_restriction(c.stat(sort_type=c.SORT_PHONETIC_DISPLAY_NAME),
                                                    mids)["ErrorCode"], c.GENERAL_FAILURE)


class Hierarchy(NspiBase):
    def test_hierarchy_table(self):
        session = self.session()
        response = session.get_special_table()
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        rows = c.rows_of(response["ppRows"])
        names = [r[c.PR_DISPLAY_NAME] for r in rows]
        self.assertEqual(names[0], "Default Global Address List")
        self.assertEqual(rows[0][c.PR_EMS_AB_CONTAINERID], 0)
        for name in ("All Contacts", "All Groups", "All Users"):
            self.assertIn(name, names)
        for row in rows:
            self.assertIn(c.PR_ENTRYID, row)
            self.assertIn(c.PR_CONTAINER_FLAGS, row)
            self.assertEqual(row[c.PR_EMS_AB_IS_MASTER], 0)
            self.assertEqual(row[c.PR_DEPTH], 0)
            self.assertEqual(row[c.PR_CONTAINER_FLAGS] & 0x1, 0x1)   # AB_RECIPIENTS
            self.assertEqual(row[c.PR_ENTRYID]["DisplayType"], 0x100)  # DT_CONTAINER
        self.assertNotEqual(response["lpVersion"], 0)
        # 3.1.4.1.3 rule 7: the version the client has: no rows
        again = session.get_special_table(version=response["lpVersion"])
        self.assertEqual(again["ErrorCode"], c.SUCCESS)
        self.assertEqual(again["ppRows"]["cRows"], 0)
        self.assertEqual(again["lpVersion"], response["lpVersion"])
        # 8-bit names without NspiUnicodeStrings
        response = session.get_special_table(flags=0)
        self.assertEqual(c.rows_of(response["ppRows"])[0][c.PR_DISPLAY_NAME_A],
                         "Default Global Address List")

    def test_container_restricts_the_table(self):
        session = self.session()
        rows = c.rows_of(session.get_special_table()["ppRows"])
        ids = {r[c.PR_DISPLAY_NAME]: r[c.PR_EMS_AB_CONTAINERID] for r in rows}
        for name, kind in (("All Users", "user"), ("All Groups", "group"),
                           ("All Contacts", "contact")):
            with self.subTest(container=name):
                response = session.query_rows(c.stat(container=ids[name]), count=1000,
                                              tags=[c.PR_DISPLAY_NAME, c.PR_DISPLAY_TYPE])
                self.assertEqual(response["ErrorCode"], c.SUCCESS)
                got = c.rows_of(response["ppRows"])
                shown = {r[c.PR_DISPLAY_NAME] for r in got}
                for entry in ENTRIES:
                    self.assertEqual(entry["display_name"] in shown, entry["kind"] == kind,
                                     entry["display_name"])
                expected_type = {"user": 0, "group": 1, "contact": 6}[kind]
                self.assertTrue(all(r[c.PR_DISPLAY_TYPE] == expected_type for r in got))

    def test_special_table_errors(self):
        session = self.session()
        self.assertEqual(session.get_special_table(flags=0, code_page=c.CP_WINUNICODE)
                         ["ErrorCode"], c.INVALID_CODEPAGE)

    def test_address_creation_table(self):
        # one creation template, SMTP (test_nspi_templates.py checks it in full)
        session = self.session()
        response = session.get_special_table(flags=c.NspiAddressCreationTemplates)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(response["ppRows"]["cRows"], 1)

    def test_template_info_errors(self):
        session = self.session()
        # rules 3 and 4: CP_WINUNICODE and unknown code pages
        self.assertEqual(session.get_template_info(0, code_page=c.CP_WINUNICODE)["ErrorCode"],
                         c.INVALID_CODEPAGE)
        self.assertEqual(session.get_template_info(0, code_page=4242)["ErrorCode"],
                         c.INVALID_CODEPAGE)
        # rule 5: no template object for the DN or display type: InvalidLocale (every
        # locale has the same templates: test_nspi_templates.py)
        for kwargs in ({"dn": "/o=x/cn=Templates"}, {"display_type": c.DT_CONTAINER},
                       {"display_type": c.DT_CONTAINER, "locale": 0x0407}):
            with self.subTest(**kwargs):
                response = session.get_template_info(**kwargs)
                self.assertEqual(response["ErrorCode"], c.INVALID_LOCALE)
                # rule 1: no ppData unless Success
                self.assertIsNone(c.row_props(response["ppData"]))

    def template(self, display_type, flags=c.TI_TEMPLATE, code_page=1252):
        session = self.session()
        response = session.get_template_info(display_type, code_page=code_page, locale=0x0409,
                                              flags=flags)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        return c.row_props(response["ppData"])

    def assert_trowset(self, blob):
        kind, count, rows = c.parse_trowset(blob)
        self.assertEqual(kind, 1)
        self.assertGreater(count, 0)
        strings = 8 + 36 * count
        for row in rows:
            self.assertGreaterEqual(row["ul_string"], strings)
            self.assertLess(row["ul_string"], len(blob))
        self.assertEqual(rows[0]["type"], c.DTCT_PAGE)
        return rows

    def bound(self, rows, control_type, tag):
        found = [r for r in rows if r["type"] == control_type and r["dw_type"] == tag]
        self.assertEqual(len(found), 1, hex(tag))
        return found[0]

    def test_template_mail_user(self):
        # MS-OXOABKT 4.2: dwFlags 0x61 (the help file flags are ignored)
        props = self.template(c.DT_MAILUSER, flags=c.TI_TEMPLATE | c.TI_HELPFILE_NAME
                              | c.TI_HELPFILE_CONTENTS)
        self.assertEqual(list(props), [c.PR_TEMPLATE_DATA])
        rows = self.assert_trowset(props[c.PR_TEMPLATE_DATA])
        self.assertEqual(rows[0]["string"], b"General")
        self.assertEqual(self.bound(rows, c.DTCT_EDIT, c.PR_DISPLAY_NAME_A)["string"], b"*")
        for tag in (0x39FE001E, 0x3A17001E, 0x3A18001E, 0x3A19001E, 0x3A08001E):
            self.bound(rows, c.DTCT_EDIT, tag)
        self.bound(rows, c.DTCT_MVLISTBOX, 0x800F101E)
        labels = [r["string"] for r in rows if r["type"] == c.DTCT_LABEL]
        self.assertIn(b"&Display name:", labels)

    def test_template_distribution_list(self):
        props = self.template(c.DT_DISTLIST)
        rows = self.assert_trowset(props[c.PR_TEMPLATE_DATA])
        self.bound(rows, c.DTCT_EDIT, c.PR_DISPLAY_NAME_A)
        self.bound(rows, c.DTCT_LBX, c.PR_EMS_AB_MEMBER)
        self.assertNotEqual(props[c.PR_TEMPLATE_DATA], self.template(c.DT_MAILUSER)
                            [c.PR_TEMPLATE_DATA])

    def test_template_script_and_address_type(self):
        props = self.template(c.DT_MAILUSER, flags=c.TI_TEMPLATE | c.TI_SCRIPT | c.TI_EMT)
        self.assertEqual(list(props), [c.PR_TEMPLATE_DATA, c.PR_SCRIPT_DATA, c.PR_ADDRTYPE_A])
        self.assertEqual(props[c.PR_SCRIPT_DATA], b"")
        self.assertEqual(props[c.PR_ADDRTYPE_A], b"EX")
        self.assertEqual(list(self.template(c.DT_DISTLIST, flags=c.TI_EMT)), [c.PR_ADDRTYPE_A])
        self.assertEqual(self.template(c.DT_DISTLIST, flags=0), {})
        # the same (ASCII) template in another code page
        self.assertEqual(self.template(c.DT_DISTLIST, code_page=1251)[c.PR_TEMPLATE_DATA],
                         self.template(c.DT_DISTLIST)[c.PR_TEMPLATE_DATA])

class Properties(NspiBase):
    OUTLOOK = [c.PR_DISPLAY_NAME, c.PR_EMAIL_ADDRESS, c.PR_SMTP_ADDRESS, c.PR_ADDRTYPE,
               c.PR_EMS_AB_PROXY_ADDRESSES, c.PR_DISPLAY_TYPE, c.PR_OBJECT_TYPE, c.PR_ENTRYID,
               c.PR_INSTANCE_KEY, c.PR_RECORD_KEY, c.PR_SEARCH_KEY, c.PR_TEMPLATEID,
               c.PR_EMS_AB_HOME_MDB, c.PR_EMS_AB_OBJECT_GUID, c.PR_ACCOUNT,
               c.PR_TRANSMITABLE_DISPLAY_NAME, c.PR_MAPPING_SIGNATURE]

    def test_outlook_properties_of_a_mailbox_user(self):
        session = self.session()
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        response = session.get_props(mid, self.OUTLOOK)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        row = nspi.simplifyPropertyRow(response["ppRows"])
        dn = DEMO["legacyExchangeDN"]
        self.assertEqual(row[c.PR_DISPLAY_NAME], "Nspi Demo User")
        self.assertEqual(row[c.PR_TRANSMITABLE_DISPLAY_NAME], "Nspi Demo User")
        self.assertEqual(row[c.PR_EMAIL_ADDRESS], dn)
        self.assertEqual(row[c.PR_ADDRTYPE], "EX")
        self.assertEqual(row[c.PR_SMTP_ADDRESS], DEMO["smtp"])
        self.assertIn("SMTP:" + DEMO["smtp"], row[c.PR_EMS_AB_PROXY_ADDRESSES])
        self.assertIn("X500:" + dn, row[c.PR_EMS_AB_PROXY_ADDRESSES])
        self.assertEqual(row[c.PR_DISPLAY_TYPE], 0)
        self.assertEqual(row[c.PR_OBJECT_TYPE], 6)
        self.assertEqual(row[c.PR_ACCOUNT], DEMO["name"])
        self.assertEqual(row[c.PR_INSTANCE_KEY], mid)
        # MS-OXNSPI 2.2.9.3 permanent entry ID
        eid = row[c.PR_ENTRYID]
        self.assertIsInstance(eid, nspi.PermanentEntryID)
        self.assertEqual(eid["ProviderUID"], c.GUID_NSPI)
        self.assertEqual(eid["DisplayType"], 0)
        self.assertEqual(eid["DistinguishedName"], dn)
        self.assertEqual(row[c.PR_RECORD_KEY]["DistinguishedName"], dn)
        self.assertEqual(row[c.PR_TEMPLATEID]["DistinguishedName"], dn)
        self.assertEqual(row[c.PR_SEARCH_KEY], "EX:" + dn.upper())
        self.assertEqual(row[c.PR_EMS_AB_HOME_MDB],
                         os.environ["OC_TESTBED_SERVER_LEGACY_DN"] + "/cn=Microsoft Private MDB")
        self.assertEqual(len(row[c.PR_EMS_AB_OBJECT_GUID]), 36)

    def test_ephemeral_entry_id(self):
        session = self.session()
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        response = session.get_props(mid, [c.PR_ENTRYID, c.PR_RECORD_KEY], flags=c.fEphID)
        row = nspi.simplifyPropertyRow(response["ppRows"])
        eid = row[c.PR_ENTRYID]
        self.assertIsInstance(eid, nspi.EphemeralEntryID)
        self.assertEqual(eid["MId"], mid)
        self.assertEqual(eid["ProviderUID"], session.server_guid)
        self.assertIsInstance(row[c.PR_RECORD_KEY], nspi.PermanentEntryID)

    def test_string_types_follow_the_request(self):
        session = self.session(code_page=1252)
        zoe = next(e for e in ENTRIES if e["display_name"] == "Zo\u00eb Dupr\u00e9")
        mid = self.mid_of(session, zoe["legacyExchangeDN"])
        response = session.get_props(mid, [c.PR_DISPLAY_NAME_A, c.PR_DISPLAY_NAME], code_page=1252)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        values = {v["ulPropTag"]: v for v in response["ppRows"]["lpProps"]}
        raw = values[c.PR_DISPLAY_NAME_A]["Value"]["lpszA"]
        self.assertEqual(c.string8(raw), "Zo\u00eb Dupr\u00e9".encode("cp1252"))
        self.assertEqual(values[c.PR_DISPLAY_NAME]["Value"]["lpszW"], "Zo\u00eb Dupr\u00e9\x00")
        # UTF-8 as the 8-bit code page
        response = session.get_props(mid, [c.PR_DISPLAY_NAME_A], code_page=65001)
        raw = response["ppRows"]["lpProps"][0]["Value"]["lpszA"]
        self.assertEqual(c.string8(raw), "Zo\u00eb Dupr\u00e9".encode("utf-8"))

    def test_unknown_property_is_an_error_value(self):
        session = self.session()
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        response = session.get_props(mid, [c.PR_DISPLAY_NAME, 0x6FFF001F, 0x3A19001F])
        self.assertEqual(response["ErrorCode"], c.ERRORS_RETURNED)
        row = nspi.simplifyPropertyRow(response["ppRows"])
        self.assertEqual(row[c.PR_DISPLAY_NAME], "Nspi Demo User")
        self.assertEqual(row[0x6FFF000A], c.NOT_FOUND)
        self.assertEqual(row[0x3A19000A], c.NOT_FOUND)

    def test_get_props_errors(self):
        session = self.session()
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        # 3.1.4.1.7 rule 11: an unknown object has no values
        response = session.get_props(0x7FFFFFF0, [c.PR_DISPLAY_NAME, c.PR_SMTP_ADDRESS])
        self.assertEqual(response["ErrorCode"], c.ERRORS_RETURNED)
        self.assertEqual(nspi.simplifyPropertyRow(response["ppRows"]),
                         {c.err_tag(c.PR_DISPLAY_NAME): c.NOT_FOUND,
                          c.err_tag(c.PR_SMTP_ADDRESS): c.NOT_FOUND})
        # ... and without columns, NspiGetPropList's GeneralFailure
        self.assertEqual(session.get_props(0x7FFFFFF0, None)["ErrorCode"], c.GENERAL_FAILURE)
        self.assertEqual(session.get_props(mid, [c.PR_DISPLAY_NAME], container=0x7FFFFFF0)
                         ["ErrorCode"], c.INVALID_BOOKMARK)
        self.assertEqual(session.get_props(mid, [c.PR_DISPLAY_NAME_A], code_page=c.CP_WINUNICODE)
                         ["ErrorCode"], c.INVALID_CODEPAGE)

    def test_all_properties_when_no_columns(self):
        session = self.session()
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        response = session.get_props(mid, None)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        tags = [v["ulPropTag"] for v in response["ppRows"]["lpProps"]]
        self.assertIn(c.PR_DISPLAY_NAME_A, tags)
        self.assertIn(c.PR_EMAIL_ADDRESS & 0xFFFF0000 | 0x1E, tags)

    def test_group_members(self):
        session = self.session()
        team = self.mid_of(session, "/o=%s/ou=%s/cn=Recipients/cn=%steam" % (
            os.environ["OC_TESTBED_ORGANIZATION"], os.environ["OC_TESTBED_ADMIN_GROUP"], PREFIX))
        row = nspi.simplifyPropertyRow(session.get_props(
            team, [c.PR_DISPLAY_TYPE, c.PR_OBJECT_TYPE])["ppRows"])
        self.assertEqual(row[c.PR_DISPLAY_TYPE], 1)
        self.assertEqual(row[c.PR_OBJECT_TYPE], 8)
        # MS-OXNSPI 3.1.4.1.10: a property value-based table
        response = session.get_matches(c.stat(current=team, container=c.PR_EMS_AB_MEMBER,
                                              sort_type=c.SORT_DISPLAY_NAME_RO),
                                       None, tags=[c.PR_DISPLAY_NAME])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(response["pStat"]["ContainerID"], team)
        users = [e for e in ENTRIES if e["kind"] == "user"]
        self.assertEqual(sorted(r[c.PR_DISPLAY_NAME] for r in c.rows_of(response["ppRows"])),
                         sorted([users[0]["display_name"], users[1]["display_name"]]))

    def test_prop_list(self):
        session = self.session()
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        response = session.get_prop_list(mid)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        tags = c.mids_of(response["ppOutMIds"])
        self.assertIn(c.PR_DISPLAY_NAME_A, tags)
        self.assertIn(c.PR_ENTRYID, tags)
        self.assertIn(0x800F101E, tags)
        self.assertNotIn(c.PR_EMS_AB_MEMBER, tags)
        tags = c.mids_of(session.get_prop_list(mid, code_page=c.CP_WINUNICODE)["ppOutMIds"])
        self.assertIn(c.PR_DISPLAY_NAME, tags)
        self.assertEqual(session.get_prop_list(0x7FFFFFF0)["ErrorCode"], c.GENERAL_FAILURE)
        self.assertEqual(session.get_prop_list(mid, code_page=4242)["ErrorCode"],
                         c.INVALID_CODEPAGE)

    def test_query_columns(self):
        session = self.session()
        response = session.query_columns()
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        tags = c.mids_of(response["ppColumns"])
        self.assertIn(c.PR_DISPLAY_NAME, tags)
        self.assertIn(c.PR_EMS_AB_PROXY_ADDRESSES, tags)
        self.assertIn(c.PR_EMS_AB_MEMBER, tags)
        tags = c.mids_of(session.query_columns(flags=0)["ppColumns"])
        self.assertIn(c.PR_DISPLAY_NAME_A, tags)
        self.assertNotIn(c.PR_DISPLAY_NAME, tags)

    def test_dn_to_mid(self):
        session = self.session()
        dn = DEMO["legacyExchangeDN"]
        response = session.dn_to_mid([dn, dn.upper(), "/o=Nowhere/cn=nobody", ""])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        mids = c.mids_of(response["ppOutMIds"])
        self.assertGreaterEqual(mids[0], 0x10)
        self.assertEqual(mids[1], mids[0])
        self.assertEqual(mids[2:], [0, 0])

    def test_mids_are_stable_across_sessions(self):
        first = self.session()
        second = self.session()
        dn = DEMO["legacyExchangeDN"]
        self.assertEqual(self.mid_of(first, dn), self.mid_of(second, dn))


def restriction_content(tag, value, fuzzy):
    r = nspi.Restriction_r()
    r["rt"] = 3
    r["res"]["tag"] = 3
    r["res"]["resContent"]["ulFuzzyLevel"] = fuzzy
    r["res"]["resContent"]["ulPropTag"] = tag
    r["res"]["resContent"]["lpProp"]["ulPropTag"] = tag
    r["res"]["resContent"]["lpProp"]["ulReserved"] = 0
    r["res"]["resContent"]["lpProp"]["Value"]["tag"] = tag & 0xFFFF
    r["res"]["resContent"]["lpProp"]["Value"]["lpszW"] = value + "\x00"
    return r


def restriction_property(tag, value, relop=4):
    r = nspi.Restriction_r()
    r["rt"] = 4
    r["res"]["tag"] = 4
    r["res"]["resProperty"]["relop"] = relop
    r["res"]["resProperty"]["ulPropTag"] = tag
    r["res"]["resProperty"]["lpProp"]["ulPropTag"] = tag
    r["res"]["resProperty"]["lpProp"]["ulReserved"] = 0
    r["res"]["resProperty"]["lpProp"]["Value"]["tag"] = tag & 0xFFFF
    r["res"]["resProperty"]["lpProp"]["Value"]["lpszW"] = value + "\x00"
    return r


def restriction_exist(tag):
    r = nspi.Restriction_r()
    r["rt"] = 8
    r["res"]["tag"] = 8
    r["res"]["resExist"]["ulReserved1"] = 0
    r["res"]["resExist"]["ulPropTag"] = tag
    r["res"]["resExist"]["ulReserved2"] = 0
    return r


def restriction_list(rt, children):
    r = nspi.Restriction_r()
    r["rt"] = rt
    r["res"]["tag"] = rt
    key = "resAnd" if rt == 0 else "resOr"
    r["res"][key]["cRes"] = len(children)
    for child in children:
        r["res"][key]["lpRes"].append(child)
    return r


def restriction_not(child):
    r = nspi.Restriction_r()
    r["rt"] = 2
    r["res"]["tag"] = 2
    r["res"]["resNot"]["lpRes"] = child
    return r


class Matches(NspiBase):
    FL_PREFIX_IGNORECASE = 0x00010002
    FL_FULLSTRING_IGNORECASE = 0x00010000

    def matches(self, session, restriction, container=0, requested=1000):
        response = session.get_matches(c.stat(container=container), restriction,
                                       requested=requested, tags=[c.PR_DISPLAY_NAME])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        mids = c.mids_of(response["ppOutMIds"])
        rows = c.rows_of(response["ppRows"])
        self.assertEqual(len(mids), len(rows))
        return [r[c.PR_DISPLAY_NAME] for r in rows]

    def test_content_prefix_on_display_name(self):
        session = self.session()
        got = self.matches(session, restriction_content(c.PR_DISPLAY_NAME, "ana", self.FL_PREFIX_IGNORECASE))
        expected = [e["display_name"] for e in ENTRIES if fold(e["display_name"]).startswith("ana")]
        self.assertEqual(sorted(got), sorted(expected))
        self.assertTrue(expected)
        # Cyrillic, case-insensitive
        got = self.matches(session, restriction_content(c.PR_DISPLAY_NAME, "\u0438\u0432\u0430\u043d",
                                                        self.FL_PREFIX_IGNORECASE))
        self.assertTrue(got)
        self.assertTrue(all(n.startswith("\u0418\u0432\u0430\u043d") for n in got))

    def test_or_and_not_exist(self):
        session = self.session()
        demo = restriction_content(c.PR_SMTP_ADDRESS, DEMO["smtp"], self.FL_FULLSTRING_IGNORECASE)
        sales = restriction_content(c.PR_DISPLAY_NAME, "Sales", self.FL_FULLSTRING_IGNORECASE)
        got = self.matches(session, restriction_list(1, [demo, sales]))
        self.assertEqual(sorted(got), sorted(["Nspi Demo User", "Sales"]))
        got = self.matches(session, restriction_list(0, [demo, sales]))
        self.assertEqual(got, [])
        everything = self.gal(session)
        got = self.matches(session, restriction_not(demo))
        self.assertEqual(len(got), len(everything) - 1)
        # every recipient has an SMTP address; none has an office location
        self.assertEqual(len(self.matches(session, restriction_exist(c.PR_SMTP_ADDRESS))),
                         len(everything))
        self.assertEqual(self.matches(session, restriction_exist(0x3A19001F)), [])

    def test_property_restriction_on_anr(self):
        session = self.session()
        got = self.matches(session, restriction_property(c.PR_ANR, DEMO["name"]))
        self.assertEqual(got, ["Nspi Demo User"])
        got = self.matches(session, restriction_property(c.PR_ANR, "Demo"))
        self.assertIn("Nspi Demo User", got)

    def test_filter_within_a_container(self):
        session = self.session()
        rows = c.rows_of(session.get_special_table()["ppRows"])
        groups = next(r[c.PR_EMS_AB_CONTAINERID] for r in rows
                      if r[c.PR_DISPLAY_NAME] == "All Groups")
        everything = restriction_exist(c.PR_DISPLAY_NAME)
        got = self.matches(session, everything, container=groups)
        self.assertIn("Sales", got)
        self.assertNotIn("Nspi Demo User", got)

    def test_rows_carry_ephemeral_entry_ids(self):
        session = self.session()
        response = session.get_matches(c.stat(), restriction_property(c.PR_ANR, DEMO["name"]),
                                       tags=[c.PR_ENTRYID])
        eid = c.rows_of(response["ppRows"])[0][c.PR_ENTRYID]
        self.assertIsInstance(eid, nspi.EphemeralEntryID)
        self.assertEqual(eid["MId"], c.mids_of(response["ppOutMIds"])[0])

    def test_requested_limit(self):
        session = self.session()
        response = session.get_matches(c.stat(), restriction_exist(c.PR_DISPLAY_NAME), requested=3)
        self.assertEqual(response["ErrorCode"], c.TABLE_TOO_BIG)

    def test_get_matches_errors(self):
        session = self.session()
        exist = restriction_exist(c.PR_DISPLAY_NAME)
        self.assertEqual(session.get_matches(c.stat(container=0x7FFFFFF0), exist)["ErrorCode"],
                         c.INVALID_BOOKMARK)
        self.assertEqual(session.get_matches(c.stat(), exist, reserved=[1])["ErrorCode"],
                         c.TOO_COMPLEX)
        self.assertEqual(session.get_matches(c.stat(sort_type=c.SORT_PHONETIC_DISPLAY_NAME), exist)
                         ["ErrorCode"], c.GENERAL_FAILURE)
        # a property value-based table needs an object and a property naming objects
        ro = c.SORT_DISPLAY_NAME_RO
        self.assertEqual(session.get_matches(c.stat(current=0x7FFFFFF0, sort_type=ro,
                                                    container=c.PR_EMS_AB_MEMBER))["ErrorCode"],
                         c.GENERAL_FAILURE)
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        self.assertEqual(session.get_matches(c.stat(current=mid, sort_type=ro,
                                                    container=c.PR_DISPLAY_NAME))["ErrorCode"],
                         c.NOT_SUPPORTED)
        # with SortTypeDisplayName, ContainerID must name a container
        self.assertEqual(session.get_matches(c.stat(current=mid, container=c.PR_EMS_AB_MEMBER))
                         ["ErrorCode"], c.INVALID_BOOKMARK)


class Resolve(NspiBase):
    TAGS = [c.PR_DISPLAY_NAME, c.PR_EMAIL_ADDRESS]

    def test_resolve_names_w(self):
        session = self.session()
        ivan = next(e for e in ENTRIES if e["display_name"] == "\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432")
        taro = next(e for e in ENTRIES if e["display_name"].startswith("\u592a\u90ce"))
        response = session.resolve_names_w(
            [DEMO["name"], "nspi demo", DEMO["smtp"], "\u0438\u0432\u0430\u043d \u043f\u0435\u0442\u0440\u043e\u0432",
             taro["display_name"], PREFIX + "u", "no such person"], tags=self.TAGS)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        mids = c.mids_of(response["ppMIds"])
        rows = c.rows_of(response["ppRows"])
        demo = self.mid_of(session, DEMO["legacyExchangeDN"])
        self.assertEqual(mids[:3], [demo, demo, demo])
        self.assertEqual(mids[3], self.mid_of(session, ivan["legacyExchangeDN"]))
        self.assertEqual(mids[4], self.mid_of(session, taro["legacyExchangeDN"]))
        self.assertEqual(mids[5], c.MID_AMBIGUOUS)
        self.assertEqual(mids[6], c.MID_UNRESOLVED)
        # one row per resolved name
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[0][c.PR_EMAIL_ADDRESS], DEMO["legacyExchangeDN"])
        self.assertEqual(rows[3][c.PR_DISPLAY_NAME], ivan["display_name"])

    def test_resolve_names_8bit(self):
        session = self.session(code_page=1252)
        zoe = next(e for e in ENTRIES if e["display_name"] == "Zo\u00eb Dupr\u00e9")
        response = session.resolve_names([b"zo\xeb dupr\xe9", DEMO["name"].encode()],
                                         tags=[c.PR_DISPLAY_NAME_A])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        mids = c.mids_of(response["ppMIds"])
        self.assertEqual(mids[0], self.mid_of(session, zoe["legacyExchangeDN"]))
        raw = response["ppRows"]["aRow"][0]["lpProps"][0]["Value"]["lpszA"]
        self.assertEqual(c.string8(raw), b"Zo\xeb Dupr\xe9")
        # Cyrillic in code page 1251
        response = session.resolve_names(["\u0418\u0432\u0430\u043d".encode("cp1251")],
                                         code_page=1251)
        self.assertGreaterEqual(c.mids_of(response["ppMIds"])[0], c.MID_AMBIGUOUS)

    def test_resolve_within_a_container(self):
        session = self.session()
        rows = c.rows_of(session.get_special_table()["ppRows"])
        groups = next(r[c.PR_EMS_AB_CONTAINERID] for r in rows
                      if r[c.PR_DISPLAY_NAME] == "All Groups")
        response = session.resolve_names_w([DEMO["name"], "Sales"], container=groups)
        mids = c.mids_of(response["ppMIds"])
        self.assertEqual(mids[0], c.MID_UNRESOLVED)
        self.assertGreaterEqual(mids[1], 0x10)

    def test_resolve_errors(self):
        session = self.session()
        self.assertEqual(session.resolve_names_w(["x"], container=0x7FFFFFF0)["ErrorCode"],
                         c.INVALID_BOOKMARK)
        self.assertEqual(session.resolve_names([b"x"], code_page=c.CP_WINUNICODE)["ErrorCode"],
                         c.INVALID_CODEPAGE)
        self.assertEqual(session.resolve_names_w(["x"], tags=[c.PR_DISPLAY_NAME_A],
                                                 code_page=c.CP_WINUNICODE)["ErrorCode"],
                         c.INVALID_CODEPAGE)

    def test_new_recipient_is_seen(self):
        # the process-wide cache follows the directory
        session = self.session()
        name = PREFIX + "late" + secrets.token_hex(2)
        self.assertEqual(c.mids_of(session.resolve_names_w([name])["ppMIds"]), [c.MID_UNRESOLVED])
        shared_bed().add_mailbox_user(name, display_name="Late Arrival " + name)
        self.assertGreaterEqual(c.mids_of(session.resolve_names_w([name])["ppMIds"])[0], 0x10)


class NamedProperties(NspiBase):
    PS_ONE = bytes(range(16))
    PS_TWO = bytes(range(16, 32))

    def test_ids_from_names_and_back(self):
        session = self.session()
        names = [(self.PS_ONE, 0x8501), (self.PS_TWO, 0x8501), (self.PS_ONE, 7)]
        response = session.get_ids_from_names(names)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        tags = c.mids_of(response["ppPropTags"])
        ids = [t >> 16 for t in tags]
        self.assertTrue(all(i >= 0x8000 for i in ids))
        self.assertEqual(len(set(ids)), 3)
        # stable within the session, verify-only finds them
        again = c.mids_of(session.get_ids_from_names(names[:1], flags=c.NspiVerifyNames)["ppPropTags"])
        self.assertEqual(again, tags[:1])
        response = session.get_names_from_ids(tags + [0x9999001F])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertIn(response["ppReturnedPropTags"], (c.NULL, None, b""))
        got = response["ppNames"]["aulPropTag"]
        self.assertEqual(got[1]["lpguid"], self.PS_TWO)
        self.assertEqual(got[2]["lID"], 7)
        # an ID the session never mapped: no property set, LID 0
        self.assertIn(got[3]["lpguid"], (c.NULL, None, b""))
        self.assertEqual(got[3]["lID"], 0)
        # every name of one property set
        response = session.get_names_from_ids(None, guid=self.PS_ONE)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(sorted(n["lID"] for n in response["ppNames"]["aulPropTag"]), [7, 0x8501])
        self.assertEqual(sorted(c.mids_of(response["ppReturnedPropTags"])),
                         sorted([tags[0], tags[2]]))
        # NspiGetNamesFromIDs rule 3
        self.assertEqual(session.get_names_from_ids(None, guid=c.PS_MAPI)["ErrorCode"],
                         c.NOT_SUPPORTED)

    def test_verify_names_does_not_create(self):
        session = self.session()
        # NspiGetIDsFromNames rule 4: an unknown name with NspiVerifyNames is AccessDenied
        response = session.get_ids_from_names([(self.PS_TWO, 0x1234)], flags=c.NspiVerifyNames)
        self.assertEqual(response["ErrorCode"], c.ACCESS_DENIED)
        self.assertIsNone(c.mids_of(response["ppPropTags"]))
        # ... and the name was not created
        response = session.get_ids_from_names([(self.PS_TWO, 0x1234)], flags=c.NspiVerifyNames)
        self.assertEqual(response["ErrorCode"], c.ACCESS_DENIED)


class Writes(NspiBase):
    CERT = b"\x30\x82\x01\x0a" + os.urandom(32)

    def test_user_modifies_own_certificate(self):
        session = self.session(user=DEMO["name"], password=DEMO["password"])
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        response = session.mod_props(mid, [(c.PR_USER_X509_CERTIFICATE, [self.CERT])])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        row = nspi.simplifyPropertyRow(session.get_props(mid, [c.PR_USER_X509_CERTIFICATE])["ppRows"])
        self.assertEqual(row[c.PR_USER_X509_CERTIFICATE], [self.CERT])
        # and removes it
        response = session.mod_props(mid, [], remove=[c.PR_USER_X509_CERTIFICATE])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        response = session.get_props(mid, [c.PR_USER_X509_CERTIFICATE])
        self.assertEqual(response["ErrorCode"], c.ERRORS_RETURNED)

    def test_mod_props_refusals(self):
        session = self.session(user=DEMO["name"], password=DEMO["password"])
        mid = self.mid_of(session, DEMO["legacyExchangeDN"])
        other = self.mid_of(session, ENTRIES[0]["legacyExchangeDN"])
        # someone else's object: AD says no
        self.assertEqual(session.mod_props(other, [(c.PR_USER_X509_CERTIFICATE, [self.CERT])])
                         ["ErrorCode"], c.ACCESS_DENIED)
        # a property clients may not write
        self.assertEqual(session.mod_props(mid, [], remove=[c.PR_EMS_AB_PROXY_ADDRESSES])
                         ["ErrorCode"], c.ACCESS_DENIED)
        # NspiModProps rules 4-7
        self.assertEqual(session.mod_props(0x7FFFFFF0, [(c.PR_USER_X509_CERTIFICATE, [self.CERT])])
                         ["ErrorCode"], c.INVALID_PARAMETER)
        self.assertEqual(session.mod_props(mid, [(c.PR_USER_X509_CERTIFICATE, [self.CERT])],
                                           remove=None)["ErrorCode"], c.INVALID_PARAMETER)
        self.assertEqual(session.mod_props(mid, [(c.PR_USER_X509_CERTIFICATE, [self.CERT])],
                                           reserved=1)["ErrorCode"], c.GENERAL_FAILURE)
        rows = c.rows_of(session.get_special_table()["ppRows"])
        users = next(r[c.PR_EMS_AB_CONTAINERID] for r in rows if r[c.PR_DISPLAY_NAME] == "All Users")
        self.assertEqual(session.mod_props(users, [(c.PR_USER_X509_CERTIFICATE, [self.CERT])])
                         ["ErrorCode"], c.INVALID_OBJECT)

    def member_names(self, session, group):
        response = session.get_matches(c.stat(current=group, container=c.PR_EMS_AB_MEMBER,
                                              sort_type=c.SORT_DISPLAY_NAME_RO),
                                       None, tags=[c.PR_DISPLAY_NAME])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        return sorted(r[c.PR_DISPLAY_NAME] for r in c.rows_of(response["ppRows"]) or [])

    def test_mod_link_att_members(self):
        session = self.session()
        group = next(e for e in ENTRIES if e["kind"] == "group")
        user = [e for e in ENTRIES if e["kind"] == "user"][5]
        gmid = self.mid_of(session, group["legacyExchangeDN"])
        umid = self.mid_of(session, user["legacyExchangeDN"])
        eid = nspi.simplifyPropertyRow(session.get_props(umid, [c.PR_ENTRYID])["ppRows"])[c.PR_ENTRYID]
        before = self.member_names(session, gmid)
        self.assertEqual(session.mod_link_att(gmid, c.PR_EMS_AB_MEMBER, [eid.getData()])["ErrorCode"],
                         c.SUCCESS)
        self.assertEqual(self.member_names(session, gmid), sorted(before + [user["display_name"]]))
        # by ephemeral entry ID, removing
        eph = nspi.simplifyPropertyRow(session.get_props(umid, [c.PR_ENTRYID], flags=c.fEphID)
                                       ["ppRows"])[c.PR_ENTRYID]
        self.assertEqual(session.mod_link_att(gmid, c.PR_EMS_AB_MEMBER, [eph.getData()],
                                              delete=True)["ErrorCode"], c.SUCCESS)
        self.assertEqual(self.member_names(session, gmid), before)

    def test_mod_link_att_refusals(self):
        admin = self.session()
        group = next(e for e in ENTRIES if e["kind"] == "group")
        gmid = self.mid_of(admin, group["legacyExchangeDN"])
        umid = self.mid_of(admin, DEMO["legacyExchangeDN"])
        eid = nspi.simplifyPropertyRow(admin.get_props(umid, [c.PR_ENTRYID])["ppRows"])[c.PR_ENTRYID]
        user = self.session(user=DEMO["name"], password=DEMO["password"])
        self.assertEqual(user.mod_link_att(gmid, c.PR_EMS_AB_MEMBER, [eid.getData()])["ErrorCode"],
                         c.ACCESS_DENIED)
        self.assertEqual(admin.mod_link_att(gmid, c.PR_DISPLAY_NAME, [eid.getData()])["ErrorCode"],
                         c.NOT_FOUND)
        # NspiModLinkAtt rule 4: an unknown object
        self.assertEqual(admin.mod_link_att(0x7FFFFFF0, c.PR_EMS_AB_MEMBER, [eid.getData()])
                         ["ErrorCode"], c.INVALID_PARAMETER)
        # entry IDs that name nothing change nothing
        self.assertEqual(admin.mod_link_att(gmid, c.PR_EMS_AB_MEMBER, [b"\x00" * 40])["ErrorCode"],
                         c.SUCCESS)


class Referral(NspiBase):
    """MS-OXABREF with the provisioned server, and the issue's "done when":
    resolve a user by name, read its home server through NSPI, ask RFR for
    its FQDN."""

    def rfr(self):
        dce = c.rfr_connect(self.env.address, self.env.domain, self.env.admin_user,
                            self.env.admin_password)
        self.addCleanup(dce.disconnect)
        return dce

    def fqdn(self):
        result, fqdn = c.rfr_new_dsa(self.rfr(), DEMO["legacyExchangeDN"])
        self.assertEqual(result, c.SUCCESS)
        return fqdn

    def test_get_new_dsa(self):
        fqdn = self.fqdn()
        self.assertTrue(fqdn.endswith("." + self.env.realm.lower()), fqdn)

    def test_fqdn_from_server_dn(self):
        dce = self.rfr()
        server = os.environ["OC_TESTBED_SERVER_LEGACY_DN"]
        fqdn = self.fqdn()
        self.assertEqual(c.rfr_fqdn_from_server_dn(dce, server), (c.SUCCESS, fqdn))
        self.assertEqual(c.rfr_fqdn_from_server_dn(dce, server + "/cn=Microsoft Private MDB"),
                         (c.SUCCESS, fqdn))
        unknown = server.rsplit("=", 1)[0] + "=NOSUCHSERVER"
        self.assertEqual(c.rfr_fqdn_from_server_dn(dce, unknown)[0], c.NOT_FOUND)
        self.assertEqual(c.rfr_fqdn_from_server_dn(dce, "not a server dn at all")[0],
                         c.INVALID_PARAMETER)

    def test_resolve_user_and_find_home_server(self):
        session = self.session(user=DEMO["name"], password=DEMO["password"])
        response = session.resolve_names_w(["Nspi Demo"], tags=[c.PR_EMAIL_ADDRESS, c.PR_EMS_AB_HOME_MDB])
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        row = c.rows_of(response["ppRows"])[0]
        self.assertEqual(row[c.PR_EMAIL_ADDRESS], DEMO["legacyExchangeDN"])
        home = row[c.PR_EMS_AB_HOME_MDB]
        dce = c.rfr_connect(self.env.address, self.env.domain, DEMO["name"], DEMO["password"])
        self.addCleanup(dce.disconnect)
        result, fqdn = c.rfr_fqdn_from_server_dn(dce, home)
        self.assertEqual(result, c.SUCCESS)
        self.assertEqual(fqdn, self.fqdn())


if __name__ == "__main__":
    unittest.main()
