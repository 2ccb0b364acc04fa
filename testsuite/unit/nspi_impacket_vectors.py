#!/usr/bin/python3
"""NSPI stubs encoded and decoded by impacket, an NDR implementation
independent of ours, for testsuite/unit/test_ndr_nspi.c.

  nspi_impacket_vectors.py encode       print "name hex" lines: requests
                                        impacket encodes, which our pull
                                        functions must decode
  nspi_impacket_vectors.py decode FILE  read "name hex" lines our push
                                        functions wrote, decode them with
                                        impacket, print "ok name" or
                                        "FAIL name: why"

The values are the ones test_ndr_nspi.c checks.  Where impacket 0.10.0
deviates from MS-OXNSPI's IDL the spec wins, and the class used here says
so in a comment."""
import sys

from impacket.dcerpc.v5 import nspi
from impacket.dcerpc.v5.dtypes import DWORD, LPSTR, LPWSTR, NULL
from impacket.dcerpc.v5.ndr import NDRCALL
from impacket.uuid import string_to_bin

HANDLE_UUID = string_to_bin("01020304-0506-0708-090a-0b0c0d0e0f10")
SERVER_GUID = string_to_bin("a1a2a3a4-b1b2-c1c2-d1d2-e1e2e3e4e5e6")
USER_DN = "/o=Example/ou=First Administrative Group/cn=Recipients/cn=alice"
PROP_TAGS = [0x3001001F, 0x39FE001E, 0x0FFE0003]


def handle():
    h = nspi.handle_t()
    h["context_handle_attributes"] = 0
    h["context_handle_uuid"] = HANDLE_UUID
    return h


def stat(code_page=1252):
    s = nspi.STAT()
    s["SortType"] = 0
    s["ContainerID"] = 0
    s["CurrentRec"] = 0
    s["Delta"] = -3
    s["NumPos"] = 7
    s["TotalRecs"] = 100
    s["CodePage"] = code_page
    s["TemplateLocale"] = 1033
    s["SortLocale"] = 1033
    return s


def dword(value):
    d = DWORD()
    d["Data"] = value
    return d


def prop_tags(tags):
    """MS-OXNSPI 2.2.2.2 sizes aulPropTag with size_is(cValues+1); impacket's
    PropertyTagArray_r class alone sends a maximum count of cValues (its
    hNspiQueryRows helper patches it as we do here).  The spec wins."""
    p = nspi.PropertyTagArray_r()
    p["cValues"] = len(tags)
    for tag in tags:
        p["aulPropTag"].append(dword(tag))
    p.fields["aulPropTag"].fields["MaximumCount"] = len(tags) + 1
    return p


def lpstr(text, cls):
    s = cls()
    s["Data"] = text
    return s


class NspiGetPropsSpec(NDRCALL):
    """MS-OXNSPI 3.1.4.1.7 declares "[in] STAT* pStat", a top-level [ref]
    pointer with no referent id on the wire; impacket's NspiGetProps uses a
    unique pointer (PSTAT).  The spec wins."""
    opnum = 9
    structure = (
        ("hRpc", nspi.handle_t),
        ("dwFlags", DWORD),
        ("pStat", nspi.STAT),
        ("pPropTags", nspi.PPropertyTagArray_r),
    )


def encode_bind():
    r = nspi.NspiBind()
    r["dwFlags"] = 0
    r["pStat"] = stat()
    r["pServerGuid"] = SERVER_GUID
    return r


def encode_query_rows():
    r = nspi.NspiQueryRows()
    r["hRpc"] = handle()
    r["dwFlags"] = 0
    r["pStat"] = stat()
    r["dwETableCount"] = 2
    for mid in (0x100, 0x200):
        r["lpETable"].append(dword(mid))
    r["Count"] = 50
    r["pPropTags"] = prop_tags(PROP_TAGS)
    return r


def encode_get_props():
    r = NspiGetPropsSpec()
    r["hRpc"] = handle()
    r["dwFlags"] = 2
    r["pStat"] = stat(65001)
    r["pPropTags"] = prop_tags(PROP_TAGS[:2])
    return r


def encode_resolve_names_w():
    r = nspi.NspiResolveNamesW()
    r["hRpc"] = handle()
    r["Reserved"] = 0
    r["pStat"] = stat()
    r["pPropTags"] = NULL
    r["paStr"]["Count"] = 2
    # impacket wants the NUL written out
    for text in ("alice\x00", "Zo\u00eb\x00"):
        r["paStr"]["Strings"].append(lpstr(text, LPWSTR))
    return r


def encode_dn_to_mid():
    r = nspi.NspiDNToMId()
    r["hRpc"] = handle()
    r["Reserved"] = 0
    r["pNames"]["Count"] = 1
    r["pNames"]["Strings"].append(lpstr(USER_DN + "\x00", LPSTR))
    return r


ENCODERS = [
    ("NspiBind", encode_bind),
    ("NspiQueryRows", encode_query_rows),
    ("NspiGetProps", encode_get_props),
    ("NspiResolveNamesW", encode_resolve_names_w),
    ("NspiDNToMId", encode_dn_to_mid),
]


def text(value):
    """impacket hands back strings as str, bytes or an LPSTR/LPWSTR."""
    if hasattr(value, "fields"):
        value = value["Data"]
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value


def check_stat(s, code_page):
    assert s["Delta"] == -3 and s["NumPos"] == 7 and s["TotalRecs"] == 100, "STAT"
    assert s["CodePage"] == code_page and s["SortLocale"] == 1033, "STAT locale"


def check_bind(data):
    r = nspi.NspiBind(data)
    assert r["dwFlags"] == 0, "dwFlags"
    check_stat(r["pStat"], 1252)
    assert bytes(r["pServerGuid"]) == SERVER_GUID, "pServerGuid"


def check_dn_to_mid(data):
    r = nspi.NspiDNToMId(data)
    assert r["hRpc"]["context_handle_uuid"] == HANDLE_UUID, "hRpc"
    assert r["pNames"]["Count"] == 1, "Count"
    assert text(r["pNames"]["Strings"][0]) == USER_DN + "\x00", "Strings"


def check_resolve_names_w(data):
    r = nspi.NspiResolveNamesW(data)
    check_stat(r["pStat"], 1252)
    assert r["pPropTags"] in (b"", None), "pPropTags NULL"
    strings = [text(s) for s in r["paStr"]["Strings"]]
    assert strings == ["alice\x00", "Zo\u00eb\x00"], "Strings %r" % strings


def check_get_props_response(data):
    """Our NDR_OUT of NspiGetProps: a row with a PT_LONG, a PT_UNICODE,
    a PT_STRING8 and a PT_BINARY value (the union discriminant travels
    before each arm)."""
    r = nspi.NspiGetPropsResponse(data)
    row = r["ppRows"]
    assert row["cValues"] == 4, "cValues"
    values = row["lpProps"]
    assert values[0]["ulPropTag"] == 0x0FFE0003, "tag 0"
    assert values[0]["Value"]["l"] == 6, "PT_LONG"
    assert text(values[1]["Value"]["lpszW"]) == "Alice Liddell\x00", "PT_UNICODE"
    assert text(values[2]["Value"]["lpszA"]) == "alice@example.org\x00", "PT_STRING8"
    assert b"".join(values[3]["Value"]["bin"]["lpb"]) == b"\x00\x01\x02\xff", "PT_BINARY"
    assert r["ErrorCode"] == 0, "ErrorCode"


DECODERS = {
    "NspiBind": check_bind,
    "NspiDNToMId": check_dn_to_mid,
    "NspiResolveNamesW": check_resolve_names_w,
    "NspiGetPropsResponse": check_get_props_response,
}


def encode():
    for name, build in ENCODERS:
        print(name, build().getData().hex())


def decode(path):
    with open(path, encoding="ascii") as f:
        for line in f:
            name, hexdata = line.split()
            try:
                DECODERS[name](bytes.fromhex(hexdata))
                print("ok", name)
            except Exception as err:  # report, never stop: the C side counts
                print("FAIL %s: %r" % (name, err))


if __name__ == "__main__":
    if sys.argv[1:] == ["encode"]:
        encode()
    elif len(sys.argv) == 3 and sys.argv[1] == "decode":
        decode(sys.argv[2])
    else:
        sys.exit("usage: %s encode | decode FILE" % sys.argv[0])
