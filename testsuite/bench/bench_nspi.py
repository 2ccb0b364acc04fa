#!/usr/bin/python3
"""NSPI over RPC against a running samba with a 10,000-entry GAL
(DESIGN.md: NspiQueryRows at least 100,000 rows/s, NspiResolveNames of one
name at least half the rate of a null RPC on the same connection).

Starts its own test bed, adds N contacts to the address book in one sam.ldb
transaction, then times, on one sealed connection with impacket:

  - a null RPC: opnum 15, which no provider answers (nca_op_rng_error), so
    the server does nothing but admission: the floor of a round trip;
  - NspiResolveNamesW of one name (unique), default columns;
  - NspiQueryRows paging through the GAL with Count=1000 and the seven
    default columns; impacket decodes nothing (the raw stub is received),
    so the figure is the server's plus the transport's cost.

Prints figures, asserts nothing.

  /usr/bin/python3 testsuite/bench/bench_nspi.py [--entries N] [--module PATH]
"""
import argparse
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import testbed  # noqa: E402
import nspi_client as c  # noqa: E402
from impacket.dcerpc.v5 import nspi  # noqa: E402


def add_contacts(bed, n):
    from samba.samdb import SamDB
    from samba.auth import system_session
    from samba.param import LoadParm
    import ldb

    lp = LoadParm()
    lp.load(bed.smb_conf)
    samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
    layout = bed.layout
    users = samdb.domain_dn()
    contacts = layout.all_address_lists.replace("CN=All Address Lists,", "CN=All Contacts,CN=All Address Lists,", 1)
    org, ag = layout.organization, layout.admin_group
    given = ["Ana", "Zoë", "Jürgen", "Иван", "John", "Mary", "Γιώργος", "Peter", "Lena", "Omar"]
    surname = ["García", "Smith", "Müller", "Петров", "Brown", "Dupré", "Nakamura", "Jones",
               "Kowalski", "Rossi", "Ivanova", "Lee"]
    started = time.monotonic()
    samdb.transaction_start()
    try:
        for i in range(n):
            nick = "bench%05d" % i
            samdb.add({
                "dn": "CN=%s,CN=Users,%s" % (nick, users),
                "objectClass": "contact",
                "displayName": "%s %s %d" % (given[i % 10], surname[(i // 10) % 12], i),
                "mailNickname": nick,
                "mail": "%s@example.com" % nick,
                "proxyAddresses": ["SMTP:%s@example.com" % nick],
                "legacyExchangeDN": "/o=%s/ou=%s/cn=Recipients/cn=%s" % (org, ag, nick),
                "showInAddressBook": [layout.gal, contacts],
                "telephoneNumber": "+1 555 %04d" % (i % 10000),
            })
        samdb.transaction_commit()
    except Exception:
        samdb.transaction_cancel()
        raise
    del ldb
    return time.monotonic() - started


def cpu_seconds(pid):
    """user + system CPU time of process PID and its threads."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rate(fn, seconds=2.0):
    count = 0
    started = time.monotonic()
    while True:
        fn()
        count += 1
        elapsed = time.monotonic() - started
        if elapsed >= seconds:
            return count / elapsed, elapsed / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--module", default=os.path.join(HERE, "..", "..", "build", "mapiproxy",
                                                         ".libs", "mapiproxy.so"))
    args = parser.parse_args()
    with testbed.TestBed(module=args.module) as bed:
        seconds = add_contacts(bed, args.entries)
        print("added %d contacts in %.1f s" % (args.entries, seconds))
        dce = c.connect(bed.address, bed.domain, bed.admin_user, bed.admin_password, level=c.SEAL)
        result, session = c.Session.bind(dce)
        assert result == c.SUCCESS
        started = time.monotonic()
        first = session.query_rows(c.stat(), count=1)
        total = first["pStat"]["TotalRecs"]
        print("GAL of %d rows; first call (builds the snapshot) %.0f ms"
              % (total, (time.monotonic() - started) * 1e3))

        def null_rpc():
            dce.call(15, b"")
            try:
                dce.recv()
            except Exception:
                pass
        null_rate, null_time = rate(null_rpc)
        print("null RPC (opnum 15 fault): %.0f calls/s, %.0f us" % (null_rate, null_time * 1e6))

        request = nspi.NspiResolveNamesW()
        request["hRpc"] = session.handle
        request["Reserved"] = 0
        request["pStat"] = c.stat()
        request["pPropTags"] = c.NULL
        request["paStr"]["Count"] = 1
        s = nspi.LPWSTR()
        s["Data"] = "bench04242\x00"
        request["paStr"]["Strings"].append(s)
        stub = request.getData()

        def resolve():
            dce.call(20, stub)
            dce.recv()
        res_rate, res_time = rate(resolve)
        print("NspiResolveNamesW of one name: %.0f calls/s, %.0f us (%.2f x the null RPC rate)"
              % (res_rate, res_time * 1e6, res_rate / null_rate))

        def page(current):
            request = nspi.NspiQueryRows()
            request["hRpc"] = session.handle
            request["dwFlags"] = 0
            request["pStat"] = c.stat(current=current)
            request["dwETableCount"] = 0
            request["lpETable"] = c.NULL
            request["Count"] = 1000
            request["pPropTags"] = c.NULL
            dce.call(3, request.getData())
            answer = dce.recv()
            # pStat comes first: CurrentRec at offset 8
            return struct.unpack_from("<I", answer, 8)[0], len(answer)

        rows = 0
        size = 0
        samba_pid = bed._proc.pid
        cpu_before = cpu_seconds(samba_pid)
        started = time.monotonic()
        while time.monotonic() - started < 3.0:
            current = c.MID_BEGINNING_OF_TABLE
            while current != c.MID_END_OF_TABLE:
                current, length = page(current)
                size += length
            rows += total
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(samba_pid) - cpu_before
        print("NspiQueryRows, 1000-row pages, default columns: %.0f rows/s, %.1f MB/s"
              % (rows / elapsed, size / elapsed / 1e6))
        print("  samba's CPU meanwhile: %.2f s of %.2f s: %.0f rows per server CPU second "
              "(the rest is the Python client)" % (cpu, elapsed, rows / cpu if cpu else 0))

        # a second connection: does a new NTLM logon make the snapshot stale?
        dce2 = c.connect(bed.address, bed.domain, bed.admin_user, bed.admin_password,
                         level=c.SEAL)
        _, session2 = c.Session.bind(dce2)
        started = time.monotonic()
        session2.query_rows(c.stat(), count=1)
        print("first call on a second connection: %.1f ms"
              % ((time.monotonic() - started) * 1e3))
        session2.unbind()
        dce2.disconnect()
        session.unbind()
        dce.disconnect()


if __name__ == "__main__":
    main()
