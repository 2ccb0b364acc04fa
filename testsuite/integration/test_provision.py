"""setup/openchange_provision and setup/openchange_newuser against throwaway
domains of their own (provisioned once per run by samba-tool, then copied
per test; no samba runs), plus the shared test bed's organization.

The tools run as subprocesses, as an admin runs them; the checks read the
domain back with python3-samba and compare it with doc/directory.md's
contract and with setup/data's schema tables.
"""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

import ldb
from samba.auth import system_session
from samba.dcerpc import misc
from samba.ndr import ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
SETUP = os.path.join(TOP, "setup")
sys.path.insert(0, SETUP)
sys.path.insert(0, os.path.join(TOP, "testsuite"))
sys.path.insert(0, HERE)

import samba_dc  # noqa: E402
from openchange import tables  # noqa: E402

PROVISION = os.path.join(SETUP, "openchange_provision")
NEWUSER = os.path.join(SETUP, "openchange_newuser")
REALM = "PROVTEST.TEST"
ORG = "First Organization"
AG = "First Administrative Group"
NOBODY = 65534


_readable_setup = None


def readable_setup():
    """A copy of setup/ that an unprivileged user can read: the checkout may
    live where only root can enter (CI clones under /root)."""
    global _readable_setup
    if _readable_setup is None:
        parent = tempfile.mkdtemp(prefix="oc-setup-")
        atexit.register(shutil.rmtree, parent, True)
        os.chmod(parent, 0o755)
        target = os.path.join(parent, "setup")
        shutil.copytree(SETUP, target, ignore=shutil.ignore_patterns("__pycache__"))
        for path, dirs, files in os.walk(target):
            os.chmod(path, 0o755)
            for name in files:
                os.chmod(os.path.join(path, name), 0o755)
        _readable_setup = target
    return _readable_setup


def run(tool, *args, user=None):
    def drop():
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    if user == "nobody":
        tool = os.path.join(readable_setup(), os.path.basename(tool))
    return subprocess.run(["/usr/bin/python3", tool, *args], capture_output=True, text=True,
                          preexec_fn=drop if user == "nobody" else None)


def copy_dc(source, parent):
    """A copy of the DC directory SOURCE under PARENT, its smb.conf moved along."""
    target = tempfile.mkdtemp(prefix="dc-", dir=parent)
    os.rmdir(target)
    shutil.copytree(source, target, symlinks=True)
    conf = samba_dc.smb_conf_path(target)
    with open(conf) as handle:
        text = handle.read()
    with open(conf, "w") as handle:
        handle.write(text.replace(source, target))
    return target


def open_samdb(datadir):
    lp = LoadParm()
    lp.load(samba_dc.smb_conf_path(datadir))
    return SamDB(url=samba_dc.sam_ldb_path(datadir), lp=lp, session_info=system_session(),
                 global_schema=False)


def values(msg, name):
    return [str(v) for v in msg[name]] if name in msg else []


def one(samdb, dn, attrs=("*",)):
    return samdb.search(dn, ldb.SCOPE_BASE, attrs=list(attrs))[0]


def exists(samdb, dn):
    try:
        samdb.search(dn, ldb.SCOPE_BASE, attrs=["cn"])
        return True
    except ldb.LdbError as error:
        if error.args[0] == ldb.ERR_NO_SUCH_OBJECT:
            return False
        raise


def ocdb_records(datadir):
    db = ldb.Ldb(os.path.join(datadir, "private", "openchange.ldb"), flags=ldb.FLG_DONT_CREATE_DB)
    return {str(m.dn): m for m in db.search(ldb.Dn(db, ""), ldb.SCOPE_SUBTREE, "(cn=*)")}


def highest_usn(datadir):
    return open_samdb(datadir).sequence_number(ldb.SEQ_HIGHEST_SEQ)


class Domains:
    """One plain and one provisioned domain per run; tests get copies."""
    root = plain = provisioned = first_output = None

    @classmethod
    def get(cls):
        if cls.root is None:
            cls.root = tempfile.mkdtemp(prefix="oc-prov-")
            try:
                cls.plain = os.path.join(cls.root, "plain")
                samba_dc.provision(cls.plain, REALM, "PROVTEST", "127.0.0.2",
                                   samba_dc.generate_password(), mapiproxy=False)
                cls.provisioned = copy_dc(cls.plain, cls.root)
                cls.first_output = run(PROVISION, "-s", samba_dc.smb_conf_path(cls.provisioned))
            except BaseException:
                cls.cleanup()
                raise
        return cls

    @classmethod
    def cleanup(cls):
        if cls.root and os.environ.get("OC_TESTBED_KEEP") != "1":
            shutil.rmtree(cls.root, ignore_errors=True)
        cls.root = None


def tearDownModule():
    Domains.cleanup()


class DomainCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.domains = Domains.get()

    def copy(self, which="provisioned"):
        path = copy_dc(getattr(self.domains, which), self.domains.root)
        self.addCleanup(shutil.rmtree, path, True)
        return path

    def conf(self, datadir):
        return samba_dc.smb_conf_path(datadir)

    def assertRefused(self, result, text):
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(text, result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def assertOk(self, result):
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


def layout_dns(samdb, org=ORG, ag=AG):
    conf = str(samdb.get_config_basedn())
    exchange = "CN=Microsoft Exchange,CN=Services,%s" % conf
    org_dn = "CN=%s,%s" % (org, exchange)
    ag_dn = "CN=%s,CN=Administrative Groups,%s" % (ag, org_dn)
    server = "CN=OCDC,CN=Servers,%s" % ag_dn
    sg = "CN=First Storage Group,CN=InformationStore,%s" % server
    lists = "CN=Address Lists Container,%s" % org_dn
    return {
        "exchange": exchange, "org": org_dn, "ags": "CN=Administrative Groups,%s" % org_dn,
        "ag": ag_dn, "servers": "CN=Servers,%s" % ag_dn, "server": server,
        "is": "CN=InformationStore,%s" % server, "sg": sg,
        "mdb": "CN=Mailbox Database,%s" % sg, "pmdb": "CN=Public Folder Database,%s" % sg,
        "lists": lists, "all": "CN=All Address Lists,%s" % lists,
        "users": "CN=All Users,CN=All Address Lists,%s" % lists,
        "groups": "CN=All Groups,CN=All Address Lists,%s" % lists,
        "contacts": "CN=All Contacts,CN=All Address Lists,%s" % lists,
        "gals": "CN=All Global Address Lists,%s" % lists,
        "gal": "CN=Default Global Address List,CN=All Global Address Lists,%s" % lists,
        "oals": "CN=Offline Address Lists,%s" % lists,
        "oab": "CN=Default Offline Address List,CN=Offline Address Lists,%s" % lists,
    }


SERVER_LEGACY_DN = "/o=%s/ou=%s/cn=Configuration/cn=Servers/cn=OCDC" % (ORG, AG)


class Provision(DomainCase):
    def test_fresh_provision_reports_and_creates_openchange_ldb(self):
        result = self.domains.first_output
        self.assertOk(result)
        self.assertIn("Created organization 'First Organization'", result.stdout)
        self.assertIn("Exchange schema:", result.stdout)
        records = ocdb_records(self.domains.provisioned)
        server = records["CN=OCDC"]
        self.assertEqual(values(server, "organization"), [ORG])
        self.assertEqual(values(server, "administrativeGroup"), [AG])
        self.assertEqual(values(server, "legacyExchangeDN"), [SERVER_LEGACY_DN])
        samdb = open_samdb(self.domains.provisioned)
        self.assertEqual(values(server, "mdbDN"), [layout_dns(samdb)["mdb"]])
        self.assertEqual(values(server, "version"), ["1.0"])
        self.assertIn("CN=Mailboxes,CN=OCDC", records)

    def test_layout_objects_classes_and_legacy_dns(self):
        samdb = open_samdb(self.domains.provisioned)
        dns = layout_dns(samdb)
        expected = {
            "exchange": ("msExchConfigurationContainer", None),
            "org": ("msExchOrganizationContainer", "/o=First Organization"),
            "ags": ("msExchAdminGroupContainer", None),
            "ag": ("msExchAdminGroup", "/o=%s/ou=%s" % (ORG, AG)),
            "servers": ("msExchServersContainer", None),
            "server": ("msExchExchangeServer", SERVER_LEGACY_DN),
            "is": ("msExchInformationStore", None),
            "sg": ("msExchStorageGroup", None),
            "mdb": ("msExchPrivateMDB", SERVER_LEGACY_DN + "/cn=Microsoft Private MDB"),
            "pmdb": ("msExchPublicMDB", SERVER_LEGACY_DN + "/cn=Microsoft Public MDB"),
            "lists": ("msExchContainer", None),
            "all": ("addressBookContainer", None), "users": ("addressBookContainer", None),
            "groups": ("addressBookContainer", None),
            "contacts": ("addressBookContainer", None), "gals": ("addressBookContainer", None),
            "gal": ("addressBookContainer", None), "oals": ("msExchContainer", None),
            "oab": ("msExchOAB", None),
        }
        for key, (object_class, legacy_dn) in expected.items():
            with self.subTest(object=key):
                msg = one(samdb, dns[key])
                self.assertEqual(values(msg, "objectClass")[-1], object_class)
                if legacy_dn:
                    self.assertEqual(values(msg, "legacyExchangeDN"), [legacy_dn])
        exchange = one(samdb, dns["exchange"])
        self.assertEqual(values(exchange, "addressBookRoots"), [dns["all"]])
        self.assertEqual(values(exchange, "globalAddressList"), [dns["gal"]])
        server = one(samdb, dns["server"])
        self.assertIn("ncacn_ip_tcp:ocdc.provtest.test", values(server, "networkAddress"))
        self.assertIn("netbios:OCDC", values(server, "networkAddress"))
        for key, name in (("users", "All Users"), ("groups", "All Groups"),
                          ("contacts", "All Contacts"), ("gal", "Default Global Address List")):
            with self.subTest(address_list=name):
                msg = one(samdb, dns[key])
                self.assertEqual(values(msg, "displayName"), [name])
                self.assertTrue(values(msg, "purportedSearch")[0].startswith("(&"))
        # the hierarchy: the address lists under All Address Lists
        children = samdb.search(dns["all"], ldb.SCOPE_ONELEVEL, "(objectClass=addressBookContainer)",
                                ["cn"])
        self.assertEqual(sorted(str(m["cn"][0]) for m in children),
                         ["All Contacts", "All Groups", "All Users"])

    def test_schema_matches_the_tables(self):
        samdb = open_samdb(self.domains.provisioned)
        schema_dn = samdb.get_schema_basedn()
        attrs = tables.load_attributes()
        needed = ("mailNickname", "homeMDB", "homeMTA", "msExchHomeServerName", "targetAddress",
                  "msExchMailboxGuid", "msExchRecipientTypeDetails",
                  "msExchRecipientDisplayType", "msExchHideFromAddressLists")
        live = {str(m["lDAPDisplayName"][0]): m for m in samdb.search(
            schema_dn, ldb.SCOPE_ONELEVEL, "(objectClass=attributeSchema)",
            ["lDAPDisplayName", "attributeID", "mAPIID", "schemaIDGUID", "attributeSyntax",
             "isSingleValued", "linkID"])}
        for name in needed:
            self.assertIn(name, live)
        checked = 0
        for name, row in attrs.items():
            if tables.is_base(row) or name not in live:
                continue
            checked += 1
            with self.subTest(attribute=name):
                msg = live[name]
                self.assertEqual(values(msg, "attributeID"), [row["attributeID"]])
                self.assertEqual(values(msg, "attributeSyntax"), [row["attributeSyntax"]])
                self.assertEqual(values(msg, "mAPIID"), [row["mAPIID"]] if row["mAPIID"] else [])
                self.assertEqual(values(msg, "linkID"), [row["linkID"]] if row["linkID"] else [])
                self.assertEqual(str(ndr_unpack(misc.GUID, bytes(msg["schemaIDGUID"][0]))),
                                 row["schemaIDGUID"])
        self.assertGreater(checked, 100)
        self.assertEqual(values(live["mailNickname"], "mAPIID"), ["14848"])
        # base classes gained Exchange's auxiliary classes
        user = samdb.search(schema_dn, ldb.SCOPE_ONELEVEL, "(lDAPDisplayName=user)",
                            ["auxiliaryClass"])[0]
        for aux in ("msExchMailStorage", "msExchBaseClass", "msExchCustomAttributes"):
            self.assertIn(aux, values(user, "auxiliaryClass"))
        recipient = samdb.search(schema_dn, ldb.SCOPE_ONELEVEL, "(lDAPDisplayName=mailRecipient)",
                                 ["mayContain"])[0]
        for attr in ("mailNickname", "targetAddress", "msExchRecipientDisplayType", "homeMTA"):
            self.assertIn(attr, values(recipient, "mayContain"))

    def test_second_run_changes_nothing(self):
        datadir = self.copy()
        before = highest_usn(datadir)
        with open(os.path.join(datadir, "private", "openchange.ldb"), "rb") as handle:
            ocdb = handle.read()
        result = run(PROVISION, "-s", self.conf(datadir))
        self.assertOk(result)
        self.assertIn("already provisioned", result.stdout)
        self.assertNotIn("Created", result.stdout)
        self.assertEqual(highest_usn(datadir), before)
        with open(os.path.join(datadir, "private", "openchange.ldb"), "rb") as handle:
            self.assertEqual(handle.read(), ocdb)

    def test_deprovision_then_provision_again(self):
        datadir = self.copy()
        result = run(PROVISION, "-H", samba_dc.sam_ldb_path(datadir), "--deprovision")
        self.assertOk(result)
        self.assertIn("schema additions stay", result.stdout)
        samdb = open_samdb(datadir)
        dns = layout_dns(samdb)
        self.assertFalse(exists(samdb, dns["org"]))
        self.assertFalse(exists(samdb, dns["exchange"]))
        self.assertFalse(os.path.exists(os.path.join(datadir, "private", "openchange.ldb")))
        self.assertTrue(samdb.search(samdb.get_schema_basedn(), ldb.SCOPE_ONELEVEL,
                                     "(lDAPDisplayName=mailNickname)"))
        again = run(PROVISION, "-H", samba_dc.sam_ldb_path(datadir), "--deprovision")
        self.assertOk(again)
        self.assertIn("nothing to remove", again.stdout)
        result = run(PROVISION, "-s", self.conf(datadir), "--organization", "Second Org")
        self.assertOk(result)
        self.assertIn("Created organization 'Second Org'", result.stdout)
        self.assertNotIn("Exchange schema:", result.stdout)  # already there
        samdb = open_samdb(datadir)
        self.assertEqual(values(one(samdb, layout_dns(samdb, "Second Org")["org"]),
                                "legacyExchangeDN"), ["/o=Second Org"])

    def test_other_organization_or_admin_group_is_refused(self):
        datadir = self.copy()
        before = highest_usn(datadir)
        result = run(PROVISION, "-s", self.conf(datadir), "--organization", "Other Org")
        self.assertRefused(result, "already provisioned with organization 'First Organization'")
        result = run(PROVISION, "-s", self.conf(datadir), "--admin-group", "Other Group")
        self.assertRefused(result, "administrative group")
        self.assertEqual(highest_usn(datadir), before)

    def test_incompatible_version_is_refused(self):
        datadir = self.copy()
        samdb = open_samdb(datadir)
        msg = ldb.Message(ldb.Dn(samdb, layout_dns(samdb)["org"]))
        msg["adminDescription"] = ldb.MessageElement("openchange-provision-version=9.0",
                                                     ldb.FLAG_MOD_REPLACE, "adminDescription")
        samdb.modify(msg)
        del samdb
        before = highest_usn(datadir)
        self.assertRefused(run(PROVISION, "-s", self.conf(datadir)), "incompatible version")
        self.assertRefused(run(PROVISION, "-s", self.conf(datadir), "--deprovision"),
                           "not removing it")
        self.assertEqual(highest_usn(datadir), before)

    def test_unknown_sam_ldb_and_smb_conf(self):
        missing = os.path.join(self.domains.root, "nowhere", "sam.ldb")
        self.assertRefused(run(PROVISION, "-H", missing), "no such sam.ldb")
        self.assertRefused(run(PROVISION, "-s", missing + ".conf"), "no such smb.conf")
        self.assertRefused(run(NEWUSER, "-H", missing, "alice"), "no such sam.ldb")
        usage = run(PROVISION)
        self.assertEqual(usage.returncode, 2)
        self.assertIn("-s smb.conf or -H sam.ldb", usage.stderr)

    def test_realm_mismatch_changes_nothing(self):
        datadir = self.copy("plain")
        before = highest_usn(datadir)
        self.assertRefused(run(PROVISION, "-s", self.conf(datadir), "--realm", "OTHER.TEST"),
                           "realm mismatch")
        self.assertEqual(highest_usn(datadir), before)
        self.assertOk(run(PROVISION, "-s", self.conf(datadir), "--realm", REALM.lower(),
                          "--schema-scope", "minimal"))

    def test_no_write_access(self):
        datadir = self.copy("plain")
        os.chmod(self.domains.root, 0o711)  # mkdtemp's 0700 would hide everything
        # Readable but not writable by nobody: the tool must refuse up front.
        for path, dirs, files in os.walk(datadir):
            os.chmod(path, 0o755)
            for name in files:
                os.chmod(os.path.join(path, name), 0o644)
        before = highest_usn(datadir)
        result = run(PROVISION, "-H", samba_dc.sam_ldb_path(datadir), user="nobody")
        self.assertRefused(result, "no write access")
        # a private directory it cannot even enter
        os.chmod(os.path.join(datadir, "private"), 0o700)
        result = run(PROVISION, "-H", samba_dc.sam_ldb_path(datadir), user="nobody")
        self.assertRefused(result, "no access")
        self.assertEqual(highest_usn(datadir), before)
        self.assertFalse(os.path.exists(os.path.join(datadir, "private", "openchange.ldb")))

    def test_bad_organization_name(self):
        datadir = self.copy("plain")
        self.assertRefused(run(PROVISION, "-s", self.conf(datadir), "--organization", "a/b"),
                           "invalid organization name")

    def test_help_is_a_manual(self):
        for tool in (PROVISION, NEWUSER):
            with self.subTest(tool=os.path.basename(tool)):
                result = run(tool, "--help")
                self.assertOk(result)
                for word in ("exit status", "examples", "-s SMB.CONF", "-H SAM.LDB"):
                    self.assertIn(word, result.stdout)


class NewUser(DomainCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.datadir = copy_dc(cls.domains.provisioned, cls.domains.root)

    def setUp(self):
        self.samdb = open_samdb(self.datadir)
        self.dns = layout_dns(self.samdb)
        self.conf_file = self.conf(self.datadir)

    def user(self, name):
        found = self.samdb.search(self.samdb.domain_dn(), ldb.SCOPE_SUBTREE,
                                  "(sAMAccountName=%s)" % name, ["*", "objectSid"])
        return found[0] if found else None

    def mailbox_record(self, nickname):
        return ocdb_records(self.datadir).get("CN=%s,CN=Mailboxes,CN=OCDC" % nickname)

    def test_create_sets_the_contract(self):
        result = run(NEWUSER, "-s", self.conf_file, "--create", "--password", "Pw-123456.abc",
                     "--given-name", "Alice", "--surname", "Liddell", "alice")
        self.assertOk(result)
        self.assertIn("Mailbox-enabled alice", result.stdout)
        self.assertNotIn("Password:", result.stdout)
        user = self.user("alice")
        legacy = "/o=%s/ou=%s/cn=Recipients/cn=alice" % (ORG, AG)
        self.assertEqual(values(user, "mailNickname"), ["alice"])
        self.assertEqual(values(user, "mail"), ["alice@provtest.test"])
        self.assertEqual(sorted(values(user, "proxyAddresses")),
                         sorted(["SMTP:alice@provtest.test", "X500:" + legacy]))
        self.assertEqual(values(user, "legacyExchangeDN"), [legacy])
        self.assertEqual(values(user, "homeMDB"), [self.dns["mdb"]])
        self.assertEqual(values(user, "msExchHomeServerName"), [SERVER_LEGACY_DN])
        self.assertEqual(values(user, "displayName"), ["Alice Liddell"])
        self.assertEqual(values(user, "msExchRecipientTypeDetails"), ["1"])
        self.assertEqual(values(user, "msExchRecipientDisplayType"), ["0"])
        self.assertEqual(sorted(values(user, "showInAddressBook")),
                         sorted([self.dns["gal"], self.dns["users"]]))
        guid = bytes(user["msExchMailboxGuid"][0])
        self.assertEqual(len(guid), 16)
        guid_text = str(ndr_unpack(misc.GUID, guid))
        record = self.mailbox_record("alice")
        self.assertIsNotNone(record)
        sid = self.samdb.schema_format_value("objectSid", user["objectSid"][0]).decode()
        self.assertEqual(values(record, "ownerDN"), [str(user.dn)])
        self.assertEqual(values(record, "ownerSID"), [sid])
        self.assertEqual(values(record, "mailboxGUID"), [guid_text])
        self.assertEqual(values(record, "legacyExchangeDN"), [legacy])
        self.assertEqual(values(record, "replicaID"), ["1"])
        uuid.UUID(values(record, "replicaGUID")[0])
        self.assertNotEqual(values(record, "replicaGUID"), [guid_text])
        self.assertTrue(values(record, "mapistoreURI")[0].startswith("sqlite3://"))
        self.assertIn(guid_text, values(record, "mapistoreURI")[0])
        self.assertEqual(values(record, "enabled"), ["TRUE"])

    def test_generated_password_is_printed_once(self):
        result = run(NEWUSER, "-s", self.conf_file, "--create", "genpw")
        self.assertOk(result)
        self.assertEqual(result.stdout.count("Password: "), 1)

    def test_existing_user_and_rerun_keep_the_mailbox(self):
        samba_dc.add_user(self.datadir, "bob", "Pw-123456.abc", given_name="Bob", surname="Builder")
        self.assertOk(run(NEWUSER, "-H", samba_dc.sam_ldb_path(self.datadir), "bob"))
        first = self.mailbox_record("bob")
        self.assertEqual(values(self.user("bob"), "displayName"), ["Bob Builder"])
        self.assertOk(run(NEWUSER, "-s", self.conf_file, "bob"))
        again = self.mailbox_record("bob")
        self.assertEqual(values(again, "mailboxGUID"), values(first, "mailboxGUID"))
        self.assertEqual(values(again, "replicaGUID"), values(first, "replicaGUID"))

    def test_missing_user_is_refused(self):
        self.assertRefused(run(NEWUSER, "-s", self.conf_file, "nosuchuser"), "no user nosuchuser")
        self.assertIsNone(self.mailbox_record("nosuchuser"))
        self.assertRefused(run(NEWUSER, "-s", self.conf_file, "--group", "nosuchgroup"),
                           "no group nosuchgroup")

    def test_duplicate_smtp_is_refused_and_writes_nothing(self):
        self.assertOk(run(NEWUSER, "-s", self.conf_file, "--create", "carol"))
        samba_dc.add_user(self.datadir, "dave", "Pw-123456.abc")
        before = highest_usn(self.datadir)
        self.assertRefused(run(NEWUSER, "-s", self.conf_file, "--mail", "Carol@provtest.test",
                               "dave"), "already used by CN=carol")
        self.assertRefused(run(NEWUSER, "-s", self.conf_file, "--create", "--mail",
                               "carol@provtest.test", "erin"), "already used")
        self.assertEqual(highest_usn(self.datadir), before)
        self.assertIsNone(self.user("erin"))
        self.assertEqual(values(self.user("dave"), "mailNickname"), [])
        # a contact's address counts too
        self.assertOk(run(NEWUSER, "-s", self.conf_file, "--contact", "Ext Frank",
                          "--mail", "frank@example.org"))
        self.assertRefused(run(NEWUSER, "-s", self.conf_file, "--mail", "frank@example.org",
                               "dave"), "already used")

    def test_not_provisioned_is_refused(self):
        datadir = self.copy("plain")
        samba_dc.add_user(datadir, "gina", "Pw-123456.abc")
        before = highest_usn(datadir)
        self.assertRefused(run(NEWUSER, "-s", self.conf(datadir), "gina"), "not provisioned")
        self.assertRefused(run(NEWUSER, "-s", self.conf(datadir), "--list"), "not provisioned")
        self.assertEqual(highest_usn(datadir), before)

    def test_disable_and_list(self):
        self.assertOk(run(NEWUSER, "-s", self.conf_file, "--create", "hank"))
        guid = values(self.mailbox_record("hank"), "mailboxGUID")
        result = run(NEWUSER, "-s", self.conf_file, "--disable", "hank")
        self.assertOk(result)
        self.assertIn("contents are kept", result.stdout)
        user = self.user("hank")
        for attr in ("mailNickname", "homeMDB", "msExchHomeServerName", "msExchMailboxGuid",
                     "showInAddressBook", "legacyExchangeDN", "proxyAddresses",
                     "msExchRecipientDisplayType", "msExchRecipientTypeDetails"):
            self.assertEqual(values(user, attr), [], attr)
        self.assertEqual(values(self.mailbox_record("hank"), "enabled"), ["FALSE"])
        listing = run(NEWUSER, "-s", self.conf_file, "--list")
        self.assertOk(listing)
        lines = listing.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["ACCOUNT", "DISPLAY", "NAME", "SMTP", "ENABLED"])
        hank = [line for line in lines if line.startswith("hank ")]
        self.assertEqual(len(hank), 1)
        self.assertTrue(hank[0].endswith(" no"))
        self.assertRefused(run(NEWUSER, "-s", self.conf_file, "--disable", "nosuchuser"),
                           "no user")
        # enabling again reconnects the same mailbox
        self.assertOk(run(NEWUSER, "-s", self.conf_file, "hank"))
        self.assertEqual(values(self.mailbox_record("hank"), "mailboxGUID"), guid)
        self.assertEqual(values(self.mailbox_record("hank"), "enabled"), ["TRUE"])

    def test_non_latin_display_names(self):
        names = {"jp": "山田 太郎", "ru": "Иван Петров", "gr": "Γιώργος Παπαδόπουλος",
                 "fr": "Zoë Dupré"}
        for key, display in names.items():
            with self.subTest(name=display):
                self.assertOk(run(NEWUSER, "-s", self.conf_file, "--create",
                                  "--display-name", display, "intl" + key))
                self.assertEqual(values(self.user("intl" + key), "displayName"), [display])
        listing = run(NEWUSER, "-s", self.conf_file, "--list").stdout
        for display in names.values():
            self.assertIn(display, listing)

    def test_group(self):
        result = run(NEWUSER, "-s", self.conf_file, "--group", "--create",
                     "--display-name", "Отдел продаж", "salesteam")
        self.assertOk(result)
        group = self.samdb.search(self.samdb.domain_dn(), ldb.SCOPE_SUBTREE,
                                  "(sAMAccountName=salesteam)")[0]
        legacy = "/o=%s/ou=%s/cn=Recipients/cn=salesteam" % (ORG, AG)
        self.assertEqual(values(group, "mailNickname"), ["salesteam"])
        self.assertEqual(values(group, "legacyExchangeDN"), [legacy])
        self.assertEqual(values(group, "displayName"), ["Отдел продаж"])
        self.assertEqual(values(group, "msExchRecipientDisplayType"), ["1"])
        self.assertEqual(sorted(values(group, "proxyAddresses")),
                         sorted(["SMTP:salesteam@provtest.test", "X500:" + legacy]))
        self.assertEqual(sorted(values(group, "showInAddressBook")),
                         sorted([self.dns["gal"], self.dns["groups"]]))

    def test_contact(self):
        result = run(NEWUSER, "-s", self.conf_file, "--contact", "Νίκος Κωνσταντίνου",
                     "--mail", "nikos@example.gr")
        self.assertOk(result)
        contact = self.samdb.search(self.samdb.domain_dn(), ldb.SCOPE_SUBTREE,
                                    "(&(objectClass=contact)(mail=nikos@example.gr))")[0]
        self.assertEqual(str(contact.dn),
                         "CN=Νίκος Κωνσταντίνου,CN=Users,%s" % self.samdb.domain_dn())
        self.assertEqual(values(contact, "displayName"), ["Νίκος Κωνσταντίνου"])
        self.assertEqual(values(contact, "targetAddress"), ["SMTP:nikos@example.gr"])
        self.assertEqual(values(contact, "msExchRecipientDisplayType"), ["6"])
        self.assertEqual(values(contact, "mailNickname"), ["nikos"])
        self.assertEqual(values(contact, "legacyExchangeDN"),
                         ["/o=%s/ou=%s/cn=Recipients/cn=nikos" % (ORG, AG)])
        self.assertIn("SMTP:nikos@example.gr", values(contact, "proxyAddresses"))
        self.assertEqual(sorted(values(contact, "showInAddressBook")),
                         sorted([self.dns["gal"], self.dns["contacts"]]))
        self.assertRefused(run(NEWUSER, "-s", self.conf_file, "--contact", "Νίκος Κωνσταντίνου",
                               "--mail", "other@example.gr"), "already exists")


class TestBedOrganization(unittest.TestCase):
    """The shared test bed is provisioned for OpenChange and says so."""

    def setUp(self):
        from oc_testbed_env import TestBedEnv
        self.env = TestBedEnv()
        if os.environ.get("OC_TESTBED_EXCHANGE") != "1":
            self.skipTest("the bed runs without the Exchange organization")

    def test_environment_names_the_organization(self):
        self.assertEqual(os.environ["OC_TESTBED_ORGANIZATION"], ORG)
        self.assertEqual(os.environ["OC_TESTBED_ADMIN_GROUP"], AG)
        self.assertTrue(os.path.exists(os.environ["OC_TESTBED_OPENCHANGE_LDB"]))
        samdb = open_samdb(self.env.dir)
        self.assertTrue(exists(samdb, os.environ["OC_TESTBED_GAL_DN"]))
        self.assertTrue(exists(samdb, os.environ["OC_TESTBED_SERVER_DN"]))

    def test_add_mailbox_user_in_the_running_bed(self):
        import testbed
        name = "tbm%s" % uuid.uuid4().hex[:8]
        result = testbed.add_mailbox_user(name)
        self.assertEqual(result["smtp"], "%s@%s" % (name, self.env.realm.lower()))
        self.assertEqual(result["showInAddressBook"][0], os.environ["OC_TESTBED_GAL_DN"])


if __name__ == "__main__":
    unittest.main()
