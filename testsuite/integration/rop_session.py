"""One EMSMDB session driven call by call, for the mailbox ROP tests.

`emsmdb_client_check ... session DN` (libmapi's EMSMDB client) keeps a
session open and sends each ROP input buffer it reads from stdin through
EcDoRpcExt2; handles stay valid from one call to the next, as for a real
client.  The ROP bytes are written by the tests from MS-OXCROPS and the
family specs, independently of the server's codec; this module only frames
them (MS-OXCROPS 2.2.1) and splits the answers.
"""
import struct
import subprocess

from oc_testbed_env import TestBedEnv

NONE_HANDLE = 0xFFFFFFFF
ROP_RELEASE = 0x01
ROP_LOGON = 0xFE
ROP_OPEN_FOLDER = 0x02

# MS-OXCSTOR 2.2.1.1.1
LOGON_PRIVATE = 0x01
OPEN_USE_PER_MDB_REPLID_MAPPING = 0x01000000

# MS-OXCSTOR 2.2.1.1.3: the order of the FolderIds of a private logon
FOLDER_NAMES = ("root", "deferred_action", "spooler_queue", "ipm_subtree", "inbox", "outbox",
                "sent_items", "deleted_items", "common_views", "schedule", "search", "views",
                "shortcuts")

# RopId, OutputHandleIndex, ReturnValue, LogonFlags, 13 FIDs, ResponseFlags,
# MailboxGuid, ReplId, ReplGuid, LogonTime (6 bytes + Year), GwartTime, StoreState
PRIVATE_LOGON = struct.Struct("<BBIB13QB16sH16sBBBBBBHQI")


def frame(rops, handles):
    """A ROP input buffer: RopSize, RopsList, handle table."""
    body = b"".join(rops)
    return struct.pack("<H", len(body) + 2) + body + b"".join(struct.pack("<I", h) for h in handles)


def split(reply):
    """A ROP output buffer: (RopsList bytes, [handles])."""
    rop_size = struct.unpack_from("<H", reply)[0]
    table = reply[rop_size:]
    return reply[2:rop_size], [struct.unpack_from("<I", table, i)[0] for i in range(0, len(table), 4)]


def logon_rop(essdn, logon_id=0, output_index=0):
    """RopLogon of a private mailbox (MS-OXCROPS 2.2.3.1.1)."""
    raw = essdn.encode("ascii") + b"\0"
    return (bytes([ROP_LOGON, logon_id, output_index, LOGON_PRIVATE])
            + struct.pack("<IIH", OPEN_USE_PER_MDB_REPLID_MAPPING, 0, len(raw)) + raw)


def release_rop(index, logon_id=0):
    """RopRelease (MS-OXCROPS 2.2.15.3): no response."""
    return bytes([ROP_RELEASE, logon_id, index])


def open_folder_rop(fid, input_index=0, output_index=1, logon_id=0, open_mode=0):
    """RopOpenFolder (MS-OXCROPS 2.2.4.1.1)."""
    return bytes([ROP_OPEN_FOLDER, logon_id, input_index, output_index]) + struct.pack("<QB", fid, open_mode)


class RopError(AssertionError):
    pass


class RopSession:
    """A live EMSMDB session of USER (a dict from testbed.add_mailbox_user).

    with RopSession(bed, "name", user) as s:
        rops, handles = s.call([logon_rop(...)], [NONE_HANDLE])
    """

    def __init__(self, bed, name, user, essdn=None, options=0, max_out=None):
        self.program = TestBedEnv.built_program("emsmdb_client_check")
        command = [self.program, "--server", bed.address, "--user", name,
                   "--password", user["password"], "--domain", bed.domain]
        if options:
            command += ["--options", str(options)]
        if max_out:
            command += ["--max-out", str(max_out)]
        command += ["session", essdn or user["legacyExchangeDN"]]
        self.essdn = essdn or user["legacyExchangeDN"]
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        first = self.proc.stdout.readline().decode().strip()
        if first != "connected":
            self.proc.kill()
            raise RopError("session did not start: %s %s" % (first, self.proc.stderr.read().decode()))
        self.logon_handle = None
        self.folder_ids = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc is None:
            return
        try:
            self.proc.stdin.write(b"quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc = None

    def call_raw(self, buffer):
        """Sends one ROP input buffer; returns (EcDoRpcExt2 result, ROP output buffer)."""
        self.proc.stdin.write(buffer.hex().encode() + b"\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().decode().split()
        if len(line) < 2 or line[0] != "result":
            raise RopError("the session ended: %r %s" % (line, self.proc.stderr.read().decode()))
        return int(line[1], 16), bytes.fromhex(line[2]) if len(line) > 2 else b""

    def call(self, rops, handles=(NONE_HANDLE,)):
        """One EcDoRpcExt2 that must succeed as a call: (RopsList bytes, handle table)."""
        result, reply = self.call_raw(frame(rops, handles))
        if result != 0:
            raise RopError("EcDoRpcExt2 failed: 0x%08x" % result)
        return split(reply)

    def logon(self):
        """RopLogon of the user's own mailbox; remembers the logon handle and FolderIds."""
        rops, handles = self.call([logon_rop(self.essdn)])
        fields = PRIVATE_LOGON.unpack_from(rops)
        if fields[2] != 0:
            raise RopError("RopLogon failed: 0x%08x" % fields[2])
        self.logon_handle = handles[0]
        self.folder_ids = dict(zip(FOLDER_NAMES, fields[4:17]))
        return self.logon_handle

    def one(self, rop, handles):
        """One ROP: (ReturnValue, the response bytes after ReturnValue, handle table)."""
        rops, table = self.call([rop], handles)
        if len(rops) < 6:
            raise RopError("short response %s" % rops.hex())
        return struct.unpack_from("<I", rops, 2)[0], rops[6:], table

    def open_folder(self, fid, parent=None):
        """RopOpenFolder from the logon (or PARENT handle); returns the folder's handle."""
        value, _, table = self.one(open_folder_rop(fid), [parent or self.logon_handle, NONE_HANDLE])
        if value != 0:
            raise RopError("RopOpenFolder 0x%x failed: 0x%08x" % (fid, value))
        return table[1]

    def release(self, handle):
        self.call([release_rop(0)], [handle])
