"""NSPI under samba's prefork process model (DESIGN.md, decision 5): each
worker builds its own address book snapshot after the fork, sessions live in
the worker that holds the connection, and MIds of one object agree across
connections served by different workers.  Needs a DC of its own.
"""
import os
import sys
import unittest

from oc_testbed_env import TestBedEnv
import nspi_client as c
from nspi_client import Session

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testbed import TestBed  # noqa: E402


class NspiPrefork(unittest.TestCase):
    def test_connections_across_workers(self):
        TestBedEnv()  # only inside a test bed run: it installs the module
        with TestBed(process_model="prefork", mapiproxy=True) as bed:
            user = bed.add_mailbox_user("pfuser", display_name="Prefork User")
            bed.add_mailbox_user("pfother", display_name="Prefork Other")
            mids = set()
            sessions = []
            # more connections than workers (2 cores: 2-4 workers), each bound
            for _ in range(6):
                dce = c.connect(bed.address, bed.domain, bed.admin_user, bed.admin_password)
                self.addCleanup(dce.disconnect)
                result, session = Session.bind(dce)
                self.assertEqual(result, c.SUCCESS)
                sessions.append(session)
            for session in sessions:
                response = session.resolve_names_w(["pfuser"], tags=[c.PR_EMAIL_ADDRESS])
                self.assertEqual(response["ErrorCode"], c.SUCCESS)
                mids.update(c.mids_of(response["ppMIds"]))
                self.assertEqual(c.rows_of(response["ppRows"])[0][c.PR_EMAIL_ADDRESS],
                                 user["legacyExchangeDN"])
                response = session.query_rows(c.stat(), count=10, tags=[c.PR_DISPLAY_NAME])
                names = [r[c.PR_DISPLAY_NAME] for r in c.rows_of(response["ppRows"])]
                self.assertEqual(names, ["Prefork Other", "Prefork User"])
            # one object, one MId, whichever worker answered (MIds come from
            # uSNCreated, not from the order a worker met the objects in)
            self.assertEqual(len(mids), 1, mids)
            for session in sessions:
                self.assertEqual(session.unbind()["ErrorCode"], c.UNBIND_SUCCESS)


if __name__ == "__main__":
    unittest.main()
