"""The address book as libmapi's own NSPI client sees it (issue 4, item 5:
"with our client code").  testsuite/integration/nspi_client_check is built on
libmapi/nspi_client.c; what it prints is compared with what the directory
holds, read straight from sam.ldb.
"""
import os
import subprocess
import sys
import unittest

from oc_testbed_env import TestBedEnv

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import testbed  # noqa: E402

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import ldb  # noqa: E402
from samba import param  # noqa: E402
from samba.auth import system_session  # noqa: E402
from samba.samdb import SamDB  # noqa: E402


class NspiClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bed = TestBedEnv()
        cls.bed.require_exchange()
        cls.program = cls.bed.built_program("nspi_client_check")
        cls.server_legacy_dn = os.environ["OC_TESTBED_SERVER_LEGACY_DN"]
        cls.gal_dn = os.environ["OC_TESTBED_GAL_DN"]
        cls.users = {}
        for name, given, surname in (("nspicli1", "Karin", "Nspiclient"),
                                     ("nspicli2", "Дмитрий", "Кузнецов"),
                                     ("nspicli3", "Ambiguous", "Alpha"),
                                     ("nspicli4", "Ambiguous", "Beta")):
            cls.users[name] = testbed.add_mailbox_user(name, given_name=given, surname=surname)
            cls.users[name]["display_name"] = "%s %s" % (given, surname)

    def run_check(self, *args, user=None, password=None, expect_status=0, seal=False):
        command = [self.program, "--server", self.bed.address,
                   "--user", user or self.bed.admin_user,
                   "--password", password or self.bed.admin_password,
                   "--domain", self.bed.domain]
        if seal:
            command.append("--seal")
        done = subprocess.run(command + list(args), capture_output=True, timeout=60)
        self.assertEqual(done.returncode, expect_status,
                         "nspi_client_check %s: %s" % (" ".join(args), done.stderr.decode()))
        return done.stdout.decode("utf-8").splitlines(), done.stderr.decode()

    def resolve(self, *names, **kwargs):
        lines, _ = self.run_check("resolve", *names, **kwargs)
        self.assertEqual(len(lines), len(names), lines)
        return [line.split("\t") for line in lines]

    def test_resolve_mailbox_user_by_account(self):
        user = self.users["nspicli1"]
        (row,) = self.resolve("nspicli1")
        self.assertEqual(row[:2], ["nspicli1", "resolved"])
        self.assertEqual(row[2], user["display_name"])
        self.assertEqual(row[3], user["legacyExchangeDN"])
        self.assertEqual(row[4].lower(), user["smtp"].lower())
        # MS-OXOABK: the home MDB is the private database's DN under this server
        self.assertEqual(row[5].lower(),
                         (self.server_legacy_dn + "/cn=Microsoft Private MDB").lower())

    def test_resolve_non_latin_display_name(self):
        user = self.users["nspicli2"]
        (row,) = self.resolve(user["display_name"])
        self.assertEqual(row[1], "resolved")
        self.assertEqual(row[2], "Дмитрий Кузнецов")
        self.assertEqual(row[3], user["legacyExchangeDN"])

    def test_resolve_several_with_unresolved_and_ambiguous(self):
        rows = self.resolve("nspicli1", "no-such-person-anywhere", "Ambiguous", "nspicli4")
        self.assertEqual([r[1] for r in rows],
                         ["resolved", "MID_UNRESOLVED", "MID_AMBIGUOUS", "resolved"])
        self.assertEqual(rows[3][2], "Ambiguous Beta")

    def test_sealed_connection(self):
        (row,) = self.resolve("nspicli1", seal=True)
        self.assertEqual(row[1], "resolved")

    def test_any_mailbox_user_may_read_the_address_book(self):
        user = self.users["nspicli1"]
        (row,) = self.resolve("nspicli2", user="nspicli1", password=user["password"])
        self.assertEqual(row[2], "Дмитрий Кузнецов")

    def test_bad_password_fails_cleanly(self):
        _, err = self.run_check("resolve", "nspicli1", password="wrong-" + self.bed.admin_password,
                                expect_status=1)
        self.assertIn("NSPI connect", err)

    def test_gal_lists_every_address_book_entry(self):
        lines, _ = self.run_check("gal")
        self.assertTrue(lines and lines[-1].startswith("rows "), lines[-3:])
        rows = [line.split("\t") for line in lines[:-1]]
        self.assertEqual(int(lines[-1].split()[1]), len(rows))

        lp = param.LoadParm()
        lp.load(self.bed.smb_conf)
        samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
        expected = samdb.search(base=samdb.domain_dn(), scope=ldb.SCOPE_SUBTREE,
                                expression="(&(showInAddressBook=%s)"
                                "(!(msExchHideFromAddressLists=TRUE)))" % ldb.binary_encode(self.gal_dn),
                                attrs=["legacyExchangeDN", "displayName"])
        self.assertEqual(sorted(r[1] for r in rows),
                         sorted(str(m["legacyExchangeDN"]) for m in expected))
        for user in self.users.values():
            self.assertIn([user["display_name"], user["legacyExchangeDN"]], rows)


if __name__ == "__main__":
    unittest.main()
