"""A small NSPI client over python3-impacket for the integration tests.

impacket 0.10.0's nspi module is used for the NDR; where its classes deviate
from MS-OXNSPI's IDL (section 6), the classes here follow the spec and say
why:

- NspiGetProps and NspiGetSpecialTable take "[in] STAT* pStat", a
  top-level [ref] pointer (no referent id on the wire); impacket sends a
  unique pointer (PSTAT).  NspiGetSpecialTable's lpVersion is
  "[in,out] DWORD*", also [ref]; impacket sends a unique pointer.
- NspiSeekEntries' lpETable and pPropTags are "[in,unique]"; impacket sends
  them as embedded structures.
- PropertyTagArray_r's aulPropTag is size_is(cValues+1): impacket's class
  alone sends a maximum count of cValues (its helpers patch some calls).
- NspiGetMatches, NspiResortRestriction and NspiModProps are commented out
  in impacket; NspiGetIDsFromNames' pNames is "[in,size_is(cPropNames)]
  PropertyName_r**", an array of pointers, not impacket's varying array of
  structures.
"""
import struct

from impacket.dcerpc.v5 import epm, nspi, oxabref, rpcrt, transport
from impacket.dcerpc.v5.dtypes import DWORD, GUID, LPSTR, LPWSTR, NULL, ULONG
from impacket.dcerpc.v5.ndr import NDRCALL, NDRUniConformantArray
from impacket.dcerpc.v5.rpcrt import DCERPCException

SIGN = rpcrt.RPC_C_AUTHN_LEVEL_PKT_INTEGRITY
SEAL = rpcrt.RPC_C_AUTHN_LEVEL_PKT_PRIVACY

# MS-OXNSPI 2.2.1.2 / MS-OXCDATA 2.4
SUCCESS = 0x00000000
UNBIND_SUCCESS = 0x00000001
ERRORS_RETURNED = 0x00040380
GENERAL_FAILURE = 0x80004005
NOT_SUPPORTED = 0x80040102
INVALID_OBJECT = 0x80040108
TOO_COMPLEX = 0x80040117
UNBIND_FAILURE = 0x00000002
NOT_FOUND = 0x8004010F
LOGON_FAILED = 0x80040111
INVALID_CODEPAGE = 0x8004011E
INVALID_LOCALE = 0x8004011F
TABLE_TOO_BIG = 0x80040403
INVALID_BOOKMARK = 0x80040405
ACCESS_DENIED = 0x80070005
INVALID_PARAMETER = 0x80070057
FAULT_CONTEXT_MISMATCH = 0x1C00001A
FAULT_OP_RNG_ERROR = 0x1C010002

MID_BEGINNING_OF_TABLE = 0
MID_CURRENT = 1
MID_END_OF_TABLE = 2
MID_UNRESOLVED = 0
MID_AMBIGUOUS = 1
CP_WINUNICODE = 1200
SORT_DISPLAY_NAME = 0
SORT_PHONETIC_DISPLAY_NAME = 3
SORT_DISPLAY_NAME_RO = 0x3E8
PS_MAPI = bytes.fromhex("2803020000000000c000000000000046")

fSkipObjects = 0x1
fEphID = 0x2
fAnonymousLogin = 0x20
NspiAddressCreationTemplates = 0x2
NspiUnicodeStrings = 0x4
NspiUnicodeProptypes = 0x80000000
NspiVerifyNames = 0x2
fDelete = 0x1

# property tags (MS-OXPROPS)
PR_ENTRYID = 0x0FFF0102
PR_INSTANCE_KEY = 0x0FF60102
PR_RECORD_KEY = 0x0FF90102
PR_MAPPING_SIGNATURE = 0x0FF80102
PR_OBJECT_TYPE = 0x0FFE0003
PR_DISPLAY_NAME = 0x3001001F
PR_DISPLAY_NAME_A = 0x3001001E
PR_ADDRTYPE = 0x3002001F
PR_EMAIL_ADDRESS = 0x3003001F
PR_DEPTH = 0x30050003
PR_SEARCH_KEY = 0x300B0102
PR_CONTAINER_FLAGS = 0x36000003
PR_ANR = 0x360C001F
PR_DISPLAY_TYPE = 0x39000003
PR_TEMPLATEID = 0x39020102
PR_SMTP_ADDRESS = 0x39FE001F
PR_ACCOUNT = 0x3A00001F
PR_TRANSMITABLE_DISPLAY_NAME = 0x3A20001F
PR_USER_X509_CERTIFICATE = 0x3A701102
PR_EMS_AB_HOME_MDB = 0x8006001E
PR_EMS_AB_MEMBER = 0x8009000D
PR_EMS_AB_PROXY_ADDRESSES = 0x800F101F
PR_EMS_AB_OBJECT_GUID = 0x8C6D0102
PR_EMS_AB_IS_MASTER = 0xFFFB000B
PR_EMS_AB_PARENT_ENTRYID = 0xFFFC0102
PR_EMS_AB_CONTAINERID = 0xFFFD0003
PR_TEMPLATE_DATA = 0x00010102
PR_SCRIPT_DATA = 0x00040102
PR_ADDRTYPE_A = 0x3002001E

# NspiGetTemplateInfo (MS-OXNSPI 2.2.1.8) and MS-OXOABKT
TI_TEMPLATE = 0x00000001
TI_SCRIPT = 0x00000004
TI_EMT = 0x00000010
TI_HELPFILE_NAME = 0x00000020
TI_HELPFILE_CONTENTS = 0x00000040
DT_MAILUSER = 0x00000000
DT_DISTLIST = 0x00000001
DT_REMOTE_MAILUSER = 0x00000006
DT_CONTAINER = 0x00000100
DTCT_LABEL = 0x00
DTCT_EDIT = 0x01
DTCT_LBX = 0x02
DTCT_PAGE = 0x08
DTCT_MVLISTBOX = 0x0B

GUID_NSPI = bytes.fromhex("dca740c8c042101ab4b908002b2fe182")


def err_tag(tag):
    return (tag & 0xFFFF0000) | 0x000A


def dword(value):
    d = DWORD()
    d["Data"] = value
    return d


def fill_tags(array, tags):
    """A PropertyTagArray_r with the spec's size_is(cValues+1)."""
    array["cValues"] = len(tags)
    for tag in tags:
        array["aulPropTag"].append(dword(tag))
    array.fields["aulPropTag"].fields["MaximumCount"] = len(tags) + 1


def set_guid(pointer, guid):
    """A FlatUID_r behind a unique pointer (impacket's PGUID)."""
    value = GUID()
    value["Data"] = guid
    pointer.fields["Data"] = value


def set_tags(request, field, tags):
    """pPropTags-like fields: NULL, or a (pointed-to) PropertyTagArray_r."""
    if tags is None:
        request[field] = NULL
        return
    holder = request.fields[field]
    target = holder.fields["Data"] if "Data" in holder.fields else holder
    fill_tags(target, tags)


def stat(code_page=1252, container=0, current=MID_BEGINNING_OF_TABLE, delta=0, num_pos=0,
         total=0, sort_type=0):
    s = nspi.STAT()
    s["SortType"] = sort_type
    s["ContainerID"] = container
    s["CurrentRec"] = current
    s["Delta"] = delta
    s["NumPos"] = num_pos
    s["TotalRecs"] = total
    s["CodePage"] = code_page
    s["TemplateLocale"] = 1033
    s["SortLocale"] = 1033
    return s


def string8(raw):
    """The bytes of an 8-bit string value without its terminator, which
    must be the last byte: a NUL before it (padding, as when an 8-bit string
    is sized by its UTF-8 form) is a wire error."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not raw.endswith(b"\x00") or b"\x00" in raw[:-1]:
        raise AssertionError("8-bit string %r is not terminated by its last byte" % (raw,))
    return raw[:-1]


def mids_of(array):
    if array in (None, NULL) or array == b"":
        return None
    return [d["Data"] if hasattr(d, "fields") else d for d in array["aulPropTag"]]


def row_props(row):
    """A PropertyRow_r (NspiGetTemplateInfo's ppData) as {tag: value}:
    binaries as bytes, 8-bit strings as their bytes."""
    if row in (None, NULL) or row == b"":
        return None
    props = {}
    for prop in row["lpProps"]:
        name = prop["Value"].structure[0][0]
        value = prop["Value"].fields[name]
        tag = prop["ulPropTag"]
        if isinstance(value, nspi.Binary_r):
            props[tag] = b"".join(value["lpb"])
        elif isinstance(value, LPSTR):
            props[tag] = string8(value["Data"])
        else:
            props[tag] = value
    return props


def parse_trowset(blob):
    """MS-OXOABKT 2.2.2.1.1: a TRowSet (Type, cRows, cRows 36-byte TRows),
    each TRow as a dict with its CNTRL's string (bytes) resolved."""
    kind, count = struct.unpack_from("<II", blob, 0)
    rows = []
    for i in range(count):
        fields = struct.unpack_from("<9I", blob, 8 + 36 * i)
        row = dict(zip(("x", "dx", "y", "dy", "type", "flags", "dw_type", "ul_size",
                        "ul_string"), fields))
        end = blob.index(b"\x00", row["ul_string"])
        row["string"] = blob[row["ul_string"]:end]
        rows.append(row)
    return kind, count, rows


def rows_of(rowset):
    if rowset in (None, NULL) or rowset == b"":
        return None
    return nspi.simplifyPropertyRowSet(rowset)


# --- spec-conformant calls --------------------------------------------------


class NspiGetPropsSpec(NDRCALL):
    """3.1.4.1.7: [in] STAT* is a [ref] pointer (impacket: unique)."""
    opnum = 9
    structure = (
        ("hRpc", nspi.handle_t),
        ("dwFlags", DWORD),
        ("pStat", nspi.STAT),
        ("pPropTags", nspi.PPropertyTagArray_r),
    )


class NspiGetSpecialTableSpec(NDRCALL):
    """3.1.4.1.3: pStat and lpVersion are [ref] (impacket: unique)."""
    opnum = 12
    structure = (
        ("hRpc", nspi.handle_t),
        ("dwFlags", DWORD),
        ("pStat", nspi.STAT),
        ("lpVersion", DWORD),
    )


class NspiSeekEntriesSpec(NDRCALL):
    """3.1.4.1.9: lpETable and pPropTags are [in,unique] pointers."""
    opnum = 4
    structure = (
        ("hRpc", nspi.handle_t),
        ("Reserved", DWORD),
        ("pStat", nspi.STAT),
        ("pTarget", nspi.PropertyValue_r),
        ("lpETable", nspi.PPropertyTagArray_r),
        ("pPropTags", nspi.PPropertyTagArray_r),
    )


class NspiGetMatches(NDRCALL):
    """3.1.4.1.10 (not in impacket)."""
    opnum = 5
    structure = (
        ("hRpc", nspi.handle_t),
        ("Reserved1", DWORD),
        ("pStat", nspi.STAT),
        ("pReserved", nspi.PPropertyTagArray_r),
        ("Reserved2", DWORD),
        ("Filter", nspi.PRestriction_r),
        ("lpPropName", nspi.PPropertyName_r),
        ("ulRequested", DWORD),
        ("pPropTags", nspi.PPropertyTagArray_r),
    )


class NspiGetMatchesResponse(NDRCALL):
    structure = (
        ("pStat", nspi.STAT),
        ("ppOutMIds", nspi.PPropertyTagArray_r),
        ("ppRows", nspi.PPropertyRowSet_r),
        ("ErrorCode", ULONG),
    )


class NspiResortRestriction(NDRCALL):
    """3.1.4.1.11 (not in impacket): ppOutMIds is [in,out,ref] to a unique pointer."""
    opnum = 6
    structure = (
        ("hRpc", nspi.handle_t),
        ("Reserved", DWORD),
        ("pStat", nspi.STAT),
        ("pInMIds", nspi.PropertyTagArray_r),
        ("ppOutMIds", nspi.PPropertyTagArray_r),
    )


class NspiResortRestrictionResponse(NDRCALL):
    structure = (
        ("pStat", nspi.STAT),
        ("ppOutMIds", nspi.PPropertyTagArray_r),
        ("ErrorCode", ULONG),
    )


class NspiModProps(NDRCALL):
    """3.1.4.1.14 (impacket's commented-out class has a wrong response)."""
    opnum = 11
    structure = (
        ("hRpc", nspi.handle_t),
        ("Reserved", DWORD),
        ("pStat", nspi.STAT),
        ("pPropTags", nspi.PPropertyTagArray_r),
        ("pRow", nspi.PropertyRow_r),
    )


class NspiModPropsResponse(NDRCALL):
    structure = (("ErrorCode", ULONG),)


class PropertyNamePointers(NDRUniConformantArray):
    item = nspi.PPropertyName_r


class NspiGetIDsFromNamesSpec(NDRCALL):
    """3.1.4.1.12: pNames is an array of pointers to PropertyName_r."""
    opnum = 18
    structure = (
        ("hRpc", nspi.handle_t),
        ("Reserved", DWORD),
        ("dwFlags", DWORD),
        ("cPropNames", DWORD),
        ("pNames", PropertyNamePointers),
    )


RESPONSES = {
    NspiGetMatches: NspiGetMatchesResponse,
    NspiResortRestriction: NspiResortRestrictionResponse,
    NspiModProps: NspiModPropsResponse,
    NspiGetPropsSpec: nspi.NspiGetPropsResponse,
    NspiGetSpecialTableSpec: nspi.NspiGetSpecialTableResponse,
    NspiSeekEntriesSpec: nspi.NspiSeekEntriesResponse,
    NspiGetIDsFromNamesSpec: nspi.NspiGetIDsFromNamesResponse,
}


class Fault(Exception):
    def __init__(self, code):
        Exception.__init__(self, "RPC fault 0x%08x" % code)
        self.code = code


def connect(address, domain, user, password, uuid=nspi.MSRPC_UUID_NSPI, level=SEAL):
    binding = epm.hept_map(address, uuid, protocol="ncacn_ip_tcp")
    rpc = transport.DCERPCTransportFactory(binding)
    rpc.set_credentials(user, password, domain)
    dce = rpc.get_dce_rpc()
    dce.set_auth_level(level)
    dce.connect()
    dce.bind(uuid)
    return dce


def call(dce, request):
    """Sends REQUEST and returns the decoded response, MAPI errors
    included; an RPC fault raises Fault."""
    response_class = RESPONSES.get(type(request))
    try:
        if response_class is None:
            return dce.request(request, checkError=False)
        dce.call(request.opnum, request)
        answer = dce.recv()
        response = response_class(answer)
        return response
    except DCERPCException as e:
        code = e.get_error_code()
        if code is None:
            # impacket's recv() reports a fault by its name only
            names = {name.strip(): value for value, name in rpcrt.rpc_status_codes.items()}
            code = names.get(str(e).strip())
        if code is None:
            raise
        raise Fault(code)


class Session:
    """One NSPI binding on its own connection."""

    def __init__(self, dce, handle, server_guid):
        self.dce = dce
        self.handle = handle
        self.server_guid = server_guid

    @classmethod
    def bind(cls, dce, code_page=1252, flags=0):
        request = nspi.NspiBind()
        request["dwFlags"] = flags
        request["pStat"] = stat(code_page)
        set_guid(request.fields["pServerGuid"], b"\x00" * 16)
        response = call(dce, request)
        guid = response["pServerGuid"]
        guid = bytes(guid) if isinstance(guid, bytes) and len(guid) == 16 else None
        return response["ErrorCode"], cls(dce, response["contextHandle"], guid)

    def unbind(self, handle=None):
        request = nspi.NspiUnbind()
        request["contextHandle"] = handle if handle is not None else self.handle
        request["Reserved"] = 0
        return call(self.dce, request)

    def update_stat(self, st, want_delta=True):
        request = nspi.NspiUpdateStat()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["pStat"] = st
        request["plDelta"] = 0 if want_delta else NULL
        return call(self.dce, request)

    def query_rows(self, st, count=50, tags=None, etable=None, flags=0):
        request = nspi.NspiQueryRows()
        request["hRpc"] = self.handle
        request["dwFlags"] = flags
        request["pStat"] = st
        if etable is None:
            request["lpETable"] = NULL
            request["dwETableCount"] = 0
        else:
            for mid in etable:
                request["lpETable"].append(dword(mid))
            request["dwETableCount"] = len(etable)
        request["Count"] = count
        set_tags(request, "pPropTags", tags)
        return call(self.dce, request)

    def seek_entries(self, st, target, tags=None, etable=None, target_tag=PR_DISPLAY_NAME):
        request = NspiSeekEntriesSpec()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["pStat"] = st
        request["pTarget"]["ulPropTag"] = target_tag
        request["pTarget"]["ulReserved"] = 0
        request["pTarget"]["Value"]["tag"] = target_tag & 0xFFFF
        if target_tag & 0xFFFF == 0x001F:
            request["pTarget"]["Value"]["lpszW"] = target + "\x00"
        elif target_tag & 0xFFFF == 0x001E:
            request["pTarget"]["Value"]["lpszA"] = target + b"\x00"
        else:
            request["pTarget"]["Value"]["l"] = target
        set_tags(request, "lpETable", etable)
        set_tags(request, "pPropTags", tags)
        return call(self.dce, request)

    def get_matches(self, st, restriction=None, requested=1000, tags=None, reserved=None):
        request = NspiGetMatches()
        request["hRpc"] = self.handle
        request["Reserved1"] = 0
        request["pStat"] = st
        set_tags(request, "pReserved", reserved)
        request["Reserved2"] = 0
        if restriction is None:
            request["Filter"] = NULL
        else:
            request["Filter"] = restriction
        request["lpPropName"] = NULL
        request["ulRequested"] = requested
        set_tags(request, "pPropTags", tags)
        return call(self.dce, request)

    def resort_restriction(self, st, mids):
        request = NspiResortRestriction()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["pStat"] = st
        fill_tags(request["pInMIds"], mids)
        request["ppOutMIds"] = NULL
        return call(self.dce, request)

    def dn_to_mid(self, dns):
        request = nspi.NspiDNToMId()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["pNames"]["Count"] = len(dns)
        for dn in dns:
            s = LPSTR()
            s["Data"] = dn + "\x00"
            request["pNames"]["Strings"].append(s)
        return call(self.dce, request)

    def get_prop_list(self, mid, code_page=1252, flags=fSkipObjects):
        request = nspi.NspiGetPropList()
        request["hRpc"] = self.handle
        request["dwFlags"] = flags
        request["dwMId"] = mid
        request["CodePage"] = code_page
        return call(self.dce, request)

    def get_props(self, mid, tags, code_page=1252, flags=0, container=0):
        request = NspiGetPropsSpec()
        request["hRpc"] = self.handle
        request["dwFlags"] = flags
        request["pStat"] = stat(code_page, container=container, current=mid)
        set_tags(request, "pPropTags", tags)
        return call(self.dce, request)

    def compare_mids(self, mid1, mid2, container=0):
        request = nspi.NspiCompareMIds()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["pStat"] = stat(container=container)
        request["MId1"] = mid1
        request["MId2"] = mid2
        return call(self.dce, request)

    def mod_props(self, mid, values, remove=(), reserved=0):
        """VALUES: a list of (tag, [bytes, ...]) of PtypMultipleBinary;
        REMOVE: the tags whose values go (None: a NULL pPropTags)."""
        request = NspiModProps()
        request["hRpc"] = self.handle
        request["Reserved"] = reserved
        request["pStat"] = stat(current=mid)
        set_tags(request, "pPropTags", None if remove is None else list(remove))
        request["pRow"]["Reserved"] = 0
        request["pRow"]["cValues"] = len(values)
        for tag, blobs in values:
            v = nspi.PropertyValue_r()
            v["ulPropTag"] = tag
            v["ulReserved"] = 0
            v["Value"]["tag"] = tag & 0xFFFF
            for blob in blobs:
                b = nspi.Binary_r()
                b["cValues"] = len(blob)
                b["lpb"] = blob
                v["Value"]["MVbin"]["lpbin"].append(b)
            v["Value"]["MVbin"]["cValues"] = len(blobs)
            request["pRow"]["lpProps"].append(v)
        return call(self.dce, request)

    def get_special_table(self, flags=NspiUnicodeStrings, code_page=1252, version=0):
        request = NspiGetSpecialTableSpec()
        request["hRpc"] = self.handle
        request["dwFlags"] = flags
        request["pStat"] = stat(code_page)
        request["lpVersion"] = version
        return call(self.dce, request)

    def get_template_info(self, display_type=0, code_page=1252, locale=1033, flags=1, dn=None):
        request = nspi.NspiGetTemplateInfo()
        request["hRpc"] = self.handle
        request["dwFlags"] = flags
        request["ulType"] = display_type
        request["pDN"] = NULL if dn is None else dn + "\x00"
        request["dwCodePage"] = code_page
        request["dwLocaleID"] = locale
        return call(self.dce, request)

    def mod_link_att(self, mid, tag, entry_ids, delete=False):
        request = nspi.NspiModLinkAtt()
        request["hRpc"] = self.handle
        request["dwFlags"] = fDelete if delete else 0
        request["ulPropTag"] = tag
        request["dwMId"] = mid
        for eid in entry_ids:
            b = nspi.Binary_r()
            b["cValues"] = len(eid)
            b["lpb"] = eid
            request["lpEntryIds"]["lpbin"].append(b)
        request["lpEntryIds"]["cValues"] = len(entry_ids)
        return call(self.dce, request)

    def query_columns(self, flags=NspiUnicodeProptypes):
        request = nspi.NspiQueryColumns()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["dwFlags"] = flags
        return call(self.dce, request)

    def get_ids_from_names(self, names, flags=0):
        request = NspiGetIDsFromNamesSpec()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["dwFlags"] = flags
        request["cPropNames"] = len(names)
        for guid, lid in names:
            name = nspi.PropertyName_r()
            set_guid(name.fields["lpguid"], guid)
            name["lID"] = lid
            p = nspi.PPropertyName_r()
            p.fields["Data"] = name
            request["pNames"].append(p)
        return call(self.dce, request)

    def get_names_from_ids(self, tags, guid=None):
        request = nspi.NspiGetNamesFromIDs()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        if guid is None:
            request["lpguid"] = NULL
        else:
            set_guid(request.fields["lpguid"], guid)
        set_tags(request, "pPropTags", tags)
        return call(self.dce, request)

    def resolve_names(self, names, tags=None, code_page=1252, container=0):
        request = nspi.NspiResolveNames()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["pStat"] = stat(code_page, container=container)
        set_tags(request, "pPropTags", tags)
        request["paStr"]["Count"] = len(names)
        for name in names:
            s = LPSTR()
            s["Data"] = name + (b"\x00" if isinstance(name, bytes) else "\x00")
            request["paStr"]["Strings"].append(s)
        return call(self.dce, request)

    def resolve_names_w(self, names, tags=None, code_page=1252, container=0):
        request = nspi.NspiResolveNamesW()
        request["hRpc"] = self.handle
        request["Reserved"] = 0
        request["pStat"] = stat(code_page, container=container)
        set_tags(request, "pPropTags", tags)
        request["paStr"]["Count"] = len(names)
        for name in names:
            s = LPWSTR()
            s["Data"] = name + "\x00"
            request["paStr"]["Strings"].append(s)
        return call(self.dce, request)


def rfr_connect(address, domain, user, password):
    return connect(address, domain, user, password, uuid=oxabref.MSRPC_UUID_OXABREF)


def rfr_fqdn_from_server_dn(dce, dn):
    """(result, fqdn) of RfrGetFQDNFromServerDN."""
    request = oxabref.RfrGetFQDNFromServerDN()
    request["ulFlags"] = 0
    request["szMailboxServerDN"] = dn + "\x00"
    request["cbMailboxServerDN"] = len(dn) + 1
    response = call(dce, request)
    fqdn = response["ppszServerFQDN"]
    return response["ErrorCode"], (fqdn[:-1] if isinstance(fqdn, str) and fqdn else fqdn)


def rfr_new_dsa(dce, user_dn=""):
    """(result, server) of RfrGetNewDSA (impacket's response class has no
    ErrorCode field; its helper raises on an error)."""
    try:
        response = oxabref.hRfrGetNewDSA(dce, user_dn)
    except DCERPCException as e:
        return e.get_error_code(), None
    return SUCCESS, response["ppszServer"]
