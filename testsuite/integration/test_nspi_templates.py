"""NSPI address book templates (MS-OXOABKT over MS-OXNSPI), with python3-impacket
as the client: the address creation table (NspiGetSpecialTable with
NspiAddressCreationTemplates), the SMTP creation template it names
(NspiGetTemplateInfo by DN: the dialog's TRowSet and the script), templates in
locales other than 0x0409, and NspiGetMatches' sub-restrictions and
lpPropName.

Everything the server sends is decoded here from the specs, not with the
server's code: the PermanentEntryID (MS-OXNSPI 2.2.9.3), the TRowSet
(MS-OXOABKT 2.2.2.1) and the script, which a small interpreter written from
MS-OXOABKT 2.2.2.2 runs over the values a user would type into the dialog.
"""
import os
import struct
import unittest

from impacket.dcerpc.v5 import nspi
from impacket.dcerpc.v5.dtypes import LPSTR, LPWSTR, NULL

from oc_testbed_env import TestBedEnv
import nspi_client as c
from nspi_client import Session

DT_ADDRESS_TEMPLATE = 0x00000101
DTCT_EDIT = 0x01
DT_EDITABLE = 0x02
DT_REQUIRED = 0x04
PR_DISPLAY_NAME_W = 0x3001001F
PR_EMAIL_ADDRESS_A = 0x3003001E
PR_ADDRTYPE_W = 0x3002001F
PR_DEPTH = 0x30050003
PR_SELECTABLE = 0x3609000B
PR_MESSAGE_RECIPIENTS = 0x0E12000D
LOCALE_EN_US = 0x0409
LOCALE_DE_DE = 0x0407
LOCALE_JA_JP = 0x0411


def org_dn():
    """/o=<org> of the test bed, from its server's legacyExchangeDN."""
    server = os.environ.get("OC_TESTBED_SERVER_LEGACY_DN", "")
    if not server.lower().startswith("/o="):
        raise unittest.SkipTest("the test bed names no Exchange server")
    return "/" + server.split("/")[1]


def template_dn(locale):
    """The DN the server gives its SMTP creation template (nspi_templates.c)."""
    return "%s/cn=Addressing/cn=Address-Templates/cn=%x/cn=SMTP" % (org_dn(), locale)


def parse_permanent_entryid(blob):
    """MS-OXNSPI 2.2.9.3: ID type 0 and R1-R3 zero, the provider UID, R4 = 1,
    the display type, then a NUL-terminated DN."""
    if len(blob) < 29 or blob[-1] != 0:
        raise AssertionError("not a PermanentEntryID: %r" % blob)
    flags, = struct.unpack_from("<I", blob, 0)
    provider = blob[4:20]
    version, display_type = struct.unpack_from("<II", blob, 20)
    dn = blob[28:-1]
    if flags != 0 or provider != c.GUID_NSPI or version != 1 or b"\x00" in dn:
        raise AssertionError("not a PermanentEntryID: %r" % blob)
    return display_type, dn.decode("ascii")


def raw_rows(rowset):
    """A PropertyRowSet_r as a list of {tag: value}: integers, bytes for
    binaries and 8-bit strings, str for Unicode strings."""
    if rowset in (None, NULL) or rowset == b"":
        return None
    rows = []
    for row in rowset["aRow"]:
        props = {}
        for prop in row["lpProps"]:
            name = prop["Value"].structure[0][0]
            value = prop["Value"].fields[name]
            tag = prop["ulPropTag"]
            if isinstance(value, nspi.Binary_r):
                props[tag] = b"".join(value["lpb"])
            elif isinstance(value, LPSTR):
                props[tag] = c.string8(value["Data"])
            elif isinstance(value, LPWSTR):
                props[tag] = value["Data"][:-1]
            else:
                props[tag] = int(value["Data"]) if hasattr(value, "fields") else value
        rows.append(props)
    return rows


class ScriptError(Exception):
    pass


def run_script(blob, values):
    """Runs PidTagScriptData (MS-OXOABKT 2.2.2.2) over VALUES, the data the
    dialog collected ({property tag: bytes}), and returns the result string.

    The first DWORD is N, the number of DWORDs of instructions that follow;
    the data the instructions reference follows them.  Execution starts at
    the first instruction with an empty result string; Halt ends it with the
    result, Error ends it in error (the result is then not used).  This
    interpreter knows the instructions it can check against the spec's text:
    Halt (0), Error (1), Emit Property (2: one operand, a property whose
    8-bit string value is appended to the result) and Jump If Equal
    Properties (5: two properties and a byte offset from the start of the
    instructions); anything else is a failure of the test."""
    if len(blob) < 4 or len(blob) % 4:
        raise AssertionError("the script is not a whole number of DWORDs: %d bytes" % len(blob))
    words = struct.unpack("<%dI" % (len(blob) // 4), blob)
    count = words[0]
    code = words[1:]
    if count > len(code):
        raise AssertionError("N = %d, but %d DWORDs follow" % (count, len(code)))
    result = b""
    pc = 0
    for _ in range(10000):
        if pc >= count:
            raise AssertionError("the script runs past its instructions")
        op = code[pc]
        if op == 0x00000000:
            return result
        if op == 0x00000001:
            raise ScriptError("the script ends in error")
        if op == 0x00000002:
            tag = code[pc + 1]
            if tag & 0xFFFF != 0x001E:
                raise AssertionError("Emit Property of 0x%08x, not an 8-bit string" % tag)
            if tag not in values:
                raise ScriptError("no value collected for 0x%08x" % tag)
            result += values[tag]
            pc += 2
            continue
        if op == 0x00000005:
            first, second, offset = code[pc + 1:pc + 4]
            if values.get(first) == values.get(second):
                if offset % 4:
                    raise AssertionError("jump to an offset inside a DWORD")
                pc = offset // 4
            else:
                pc += 4
            continue
        raise AssertionError("instruction 0x%08x at DWORD %d is not one this test knows" % (op, pc))
    raise AssertionError("the script does not halt")


def script_operands(blob):
    """The property tags the script's Emit Property instructions read."""
    words = struct.unpack("<%dI" % (len(blob) // 4), blob)
    code, tags, pc = words[1:1 + words[0]], [], 0
    while pc < len(code):
        if code[pc] == 0x00000002:
            tags.append(code[pc + 1])
            pc += 2
        elif code[pc] == 0x00000005:
            tags.extend(code[pc + 1:pc + 3])
            pc += 4
        else:
            pc += 1
    return tags


class NspiBase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = TestBedEnv()
        cls.env.require_exchange()

    def session(self, code_page=1252):
        dce = c.connect(self.env.address, self.env.domain, self.env.admin_user,
                        self.env.admin_password)
        self.addCleanup(dce.disconnect)
        result, session = Session.bind(dce, code_page)
        self.assertEqual(result, c.SUCCESS)
        return session


class Templates(NspiBase):
    def creation_table(self, session, code_page=1252, locale=LOCALE_EN_US,
                       flags=c.NspiAddressCreationTemplates):
        request = c.NspiGetSpecialTableSpec()
        request["hRpc"] = session.handle
        request["dwFlags"] = flags
        st = c.stat(code_page)
        st["TemplateLocale"] = locale
        request["pStat"] = st
        request["lpVersion"] = 0
        response = c.call(session.dce, request)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        return raw_rows(response["ppRows"])

    def template_info(self, session, dn, flags=c.TI_TEMPLATE | c.TI_SCRIPT | c.TI_EMT,
                      code_page=1252, locale=LOCALE_EN_US, display_type=0):
        response = session.get_template_info(display_type, code_page=code_page, locale=locale,
                                             flags=flags, dn=dn)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        return c.row_props(response["ppData"])

    def smtp_row(self, rows):
        smtp = [r for r in rows if r.get(c.PR_ADDRTYPE_A) == b"SMTP"
                or r.get(PR_ADDRTYPE_W) == "SMTP"]
        self.assertEqual(len(smtp), 1, rows)
        return smtp[0]

    # --- the address creation table (MS-OXOABKT 2.2.1, 3.1.4.1) ---

    def test_creation_table_smtp_row(self):
        session = self.session()
        rows = self.creation_table(session)
        self.assertEqual(len(rows), 1)
        row = self.smtp_row(rows)
        # the columns the server MUST return, strings in the STAT's 8-bit code page
        self.assertEqual(row[c.PR_ADDRTYPE_A], b"SMTP")
        self.assertEqual(row[c.PR_DISPLAY_NAME_A], b"Internet Address")
        self.assertEqual(row[c.PR_DISPLAY_TYPE], c.DT_MAILUSER)
        self.assertIn(PR_DEPTH, row)
        self.assertIn(PR_SELECTABLE, row)
        self.assertEqual(len(row[c.PR_INSTANCE_KEY]), 4)
        display_type, dn = parse_permanent_entryid(row[c.PR_ENTRYID])
        self.assertEqual(display_type, DT_ADDRESS_TEMPLATE)
        self.assertEqual(dn.lower(), template_dn(LOCALE_EN_US).lower())

    def test_creation_table_unicode_and_flags(self):
        session = self.session()
        # NspiUnicodeStrings does not change the address creation table
        self.assertEqual(self.creation_table(session),
                         self.creation_table(session,
                                             flags=c.NspiAddressCreationTemplates
                                             | c.NspiUnicodeStrings))
        # a CP_WINUNICODE STAT: PtypString columns
        row = self.smtp_row(self.creation_table(session, code_page=c.CP_WINUNICODE))
        self.assertEqual(row[PR_ADDRTYPE_W], "SMTP")
        self.assertEqual(row[PR_DISPLAY_NAME_W], "Internet Address")
        self.assertEqual(parse_permanent_entryid(row[c.PR_ENTRYID])[1].lower(),
                         template_dn(LOCALE_EN_US).lower())

    # --- the SMTP creation template (MS-OXOABKT 2.2.2, 3.1.4.1) ---

    def test_creation_template_by_entry_id_dn(self):
        session = self.session()
        row = self.smtp_row(self.creation_table(session))
        _, dn = parse_permanent_entryid(row[c.PR_ENTRYID])
        # MS-OXOABKT 3.1.4.1: the DN as pDN and ulType 0
        props = self.template_info(session, dn)
        self.assertEqual(list(props), [c.PR_TEMPLATE_DATA, c.PR_SCRIPT_DATA, c.PR_ADDRTYPE_A])
        self.assertEqual(props[c.PR_ADDRTYPE_A], b"SMTP")
        kind, count, controls = c.parse_trowset(props[c.PR_TEMPLATE_DATA])
        self.assertEqual(kind, 1)
        self.assertEqual(count, len(controls))
        self.assertEqual(controls[0]["type"], c.DTCT_PAGE)
        strings = 8 + 36 * count
        for control in controls:
            self.assertGreaterEqual(control["ul_string"], strings)
        edits = {r["dw_type"]: r for r in controls if r["type"] == DTCT_EDIT}
        # the edit controls bound to the display name and the address, 8-bit
        self.assertEqual(set(edits), {c.PR_DISPLAY_NAME_A, PR_EMAIL_ADDRESS_A})
        for edit in edits.values():
            self.assertTrue(edit["flags"] & DT_EDITABLE)
            self.assertGreater(edit["ul_size"], 0)
            self.assertEqual(edit["string"], b"*")
        self.assertTrue(edits[PR_EMAIL_ADDRESS_A]["flags"] & DT_REQUIRED)
        # each edit has its label before it
        labels = [r["string"] for r in controls if r["type"] == c.DTCT_LABEL]
        self.assertIn(b"&Display name:", labels)
        self.assertIn(b"&E-mail address:", labels)
        # the script reads only what the dialog collects
        for tag in script_operands(props[c.PR_SCRIPT_DATA]):
            self.assertIn(tag, edits)

    def test_creation_script_builds_the_address(self):
        session = self.session()
        props = self.template_info(session, template_dn(LOCALE_EN_US), flags=c.TI_SCRIPT)
        self.assertEqual(list(props), [c.PR_SCRIPT_DATA])
        script = props[c.PR_SCRIPT_DATA]
        for name, address in ((b"Jane Doe", b"jane.doe@example.org"),
                              (b"", b"someone@example.net"),
                              (b"R\xe9mi", b"remi+tag@sub.example.com")):
            with self.subTest(address=address):
                got = run_script(script, {c.PR_DISPLAY_NAME_A: name,
                                          PR_EMAIL_ADDRESS_A: address})
                self.assertEqual(got, address)
        # without an address the script cannot produce one
        with self.assertRaises(ScriptError):
            run_script(script, {c.PR_DISPLAY_NAME_A: b"Nobody"})

    def test_creation_template_code_pages(self):
        session = self.session()
        dn = template_dn(LOCALE_EN_US)
        data = self.template_info(session, dn, flags=c.TI_TEMPLATE)[c.PR_TEMPLATE_DATA]
        # ASCII strings: the same bytes in another 8-bit code page
        self.assertEqual(self.template_info(session, dn, flags=c.TI_TEMPLATE,
                                            code_page=1251)[c.PR_TEMPLATE_DATA], data)
        # MS-OXNSPI 3.1.4.1.18 rules 3 and 4
        for code_page in (c.CP_WINUNICODE, 4242):
            response = session.get_template_info(0, code_page=code_page, dn=dn)
            self.assertEqual(response["ErrorCode"], c.INVALID_CODEPAGE)
        # the DN names the template whatever its case
        self.assertEqual(self.template_info(session, dn.upper(), flags=c.TI_TEMPLATE)
                         [c.PR_TEMPLATE_DATA], data)

    def test_unknown_template_dn(self):
        session = self.session()
        org = org_dn()
        for dn in ("/o=x/cn=Templates",
                   "%s/cn=Addressing/cn=Address-Templates/cn=409/cn=X400" % org,
                   "%s/cn=Addressing/cn=Address-Templates/cn=409" % org,
                   "%s/cn=Addressing/cn=Address-Templates/cn=zz/cn=SMTP" % org,
                   template_dn(LOCALE_EN_US) + "/cn=extra",
                   "/o=Another Org/cn=Addressing/cn=Address-Templates/cn=409/cn=SMTP",
                   os.environ.get("OC_TESTBED_SERVER_LEGACY_DN", "/o=y")):
            with self.subTest(dn=dn):
                # MS-OXNSPI 3.1.4.1.18 rule 5: no such template object
                response = session.get_template_info(0, dn=dn, flags=c.TI_TEMPLATE)
                self.assertEqual(response["ErrorCode"], c.INVALID_LOCALE)
                # rule 1: ppData NULL unless Success
                self.assertIsNone(c.row_props(response["ppData"]))

    # --- locales other than 0x0409 (nspi_templates.c: every locale has them) ---

    def test_other_locales(self):
        session = self.session()
        en = self.template_info(session, template_dn(LOCALE_EN_US))
        for locale in (LOCALE_DE_DE, LOCALE_JA_JP):
            with self.subTest(locale=hex(locale)):
                row = self.smtp_row(self.creation_table(session, locale=locale))
                _, dn = parse_permanent_entryid(row[c.PR_ENTRYID])
                self.assertEqual(dn.lower(), template_dn(locale).lower())
                self.assertEqual(self.template_info(session, dn, locale=locale), en)
                # the display templates too
                for display_type in (c.DT_MAILUSER, c.DT_DISTLIST, c.DT_REMOTE_MAILUSER):
                    response = session.get_template_info(display_type, locale=locale,
                                                         flags=c.TI_TEMPLATE)
                    self.assertEqual(response["ErrorCode"], c.SUCCESS)
                    self.assertEqual(c.row_props(response["ppData"]),
                                     c.row_props(session.get_template_info(
                                         display_type, locale=LOCALE_EN_US,
                                         flags=c.TI_TEMPLATE)["ppData"]))
        # a display type without a template stays InvalidLocale in every locale
        for locale in (LOCALE_EN_US, LOCALE_DE_DE):
            response = session.get_template_info(c.DT_CONTAINER, locale=locale)
            self.assertEqual(response["ErrorCode"], c.INVALID_LOCALE)

    def test_display_template_script_is_empty(self):
        session = self.session()
        response = session.get_template_info(c.DT_MAILUSER, locale=LOCALE_EN_US,
                                             flags=c.TI_SCRIPT | c.TI_EMT)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        props = c.row_props(response["ppData"])
        self.assertEqual(props, {c.PR_SCRIPT_DATA: b"", c.PR_ADDRTYPE_A: b"EX"})


def restriction_exist(tag):
    r = nspi.Restriction_r()
    r["rt"] = 8
    r["res"]["tag"] = 8
    r["res"]["resExist"]["ulReserved1"] = 0
    r["res"]["resExist"]["ulPropTag"] = tag
    r["res"]["resExist"]["ulReserved2"] = 0
    return r


def restriction_sub(sub_object, child):
    r = nspi.Restriction_r()
    r["rt"] = 9
    r["res"]["tag"] = 9
    r["res"]["resSubRestriction"]["ulSubObject"] = sub_object
    r["res"]["resSubRestriction"]["lpRes"] = child
    return r


def restriction_not(child):
    r = nspi.Restriction_r()
    r["rt"] = 2
    r["res"]["tag"] = 2
    r["res"]["resNot"]["lpRes"] = child
    return r


class Matches(NspiBase):
    """NspiGetMatches requests the previous provider refused."""

    def test_sub_restriction(self):
        session = self.session()
        everyone = session.get_matches(c.stat(), restriction_exist(c.PR_DISPLAY_NAME))
        self.assertEqual(everyone["ErrorCode"], c.SUCCESS)
        total = len(c.mids_of(everyone["ppOutMIds"]))
        self.assertGreater(total, 0)
        # MS-OXCDATA 2.12.10: address book objects have no recipient or
        # attachment table, so no row satisfies the inner restriction
        sub = restriction_sub(PR_MESSAGE_RECIPIENTS, restriction_exist(c.PR_DISPLAY_NAME))
        response = session.get_matches(c.stat(), sub)
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(c.mids_of(response["ppOutMIds"]) or [], [])
        response = session.get_matches(c.stat(), restriction_not(sub))
        self.assertEqual(response["ErrorCode"], c.SUCCESS)
        self.assertEqual(len(c.mids_of(response["ppOutMIds"])), total)

    def test_named_property_links(self):
        session = self.session()
        # an object of the GAL (no named property of it holds links)
        first = c.mids_of(session.get_matches(c.stat(), restriction_exist(c.PR_DISPLAY_NAME))
                          ["ppOutMIds"])[0]
        request = c.NspiGetMatches()
        request["hRpc"] = session.handle
        request["Reserved1"] = 0
        request["pStat"] = c.stat(current=first, sort_type=c.SORT_DISPLAY_NAME_RO,
                                  container=c.PR_EMS_AB_MEMBER)
        request["pReserved"] = NULL
        request["Reserved2"] = 0
        request["Filter"] = NULL
        name = nspi.PropertyName_r()
        c.set_guid(name.fields["lpguid"], bytes(range(16)))
        name["lID"] = 0x8001
        request["lpPropName"] = name
        request["ulRequested"] = 100
        request["pPropTags"] = NULL
        response = c.call(session.dce, request)
        # lpPropName, not ContainerID, names the property: a named property,
        # whose values name no objects here (MS-OXNSPI 3.1.1.3.2.2)
        self.assertEqual(response["ErrorCode"], c.NOT_SUPPORTED)


if __name__ == "__main__":
    unittest.main()
