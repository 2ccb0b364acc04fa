"""The Exchange organization in the Configuration partition, laid out as
doc/directory.md describes (the NSPI and mailbox servers rely on it)."""
import os
import tempfile
import uuid

import ldb
from samba.dcerpc import misc
from samba.ndr import ndr_pack

from . import PROVISION_VERSION, ProvisionError, ocdb

DEFAULT_ORGANIZATION = "First Organization"
DEFAULT_ADMIN_GROUP = "First Administrative Group"
VERSION_PREFIX = "openchange-provision-version="

# Address list filters (purportedSearch) as Exchange writes them for its
# default lists.  Informational for us: the NSPI server lists an address
# list's members by showInAddressBook, which openchange_newuser sets.
FILTER_ALL_USERS = ("(& (mailnickname=*) (| (&(objectCategory=person)(objectClass=user)"
                    "(!(homeMDB=*))(!(msExchHomeServerName=*)))(&(objectCategory=person)"
                    "(objectClass=user)(|(homeMDB=*)(msExchHomeServerName=*))) ))")
FILTER_ALL_GROUPS = "(& (mailnickname=*) (| (objectCategory=group) ))"
FILTER_ALL_CONTACTS = "(& (mailnickname=*) (| (&(objectCategory=person)(objectClass=contact)) ))"
FILTER_GAL = ("(& (mailnickname=*) (| (&(objectCategory=person)(objectClass=user)"
              "(!(homeMDB=*))(!(msExchHomeServerName=*)))(&(objectCategory=person)"
              "(objectClass=user)(|(homeMDB=*)(msExchHomeServerName=*)))"
              "(&(objectCategory=person)(objectClass=contact))(objectCategory=group)"
              "(objectCategory=publicFolder)(objectCategory=msExchDynamicDistributionList) ))")


def check_name(name, what):
    """Organization and admin group names become RDNs and /o= /ou= parts
    of legacyExchangeDNs: no DN or X.500 separators."""
    bad = set(",=+<>#;\"\\/") & set(name)
    if not name or name != name.strip() or bad or len(name) > 64:
        raise ProvisionError("invalid %s %r: 1-64 characters, no leading or trailing "
                             "blanks, none of , = + < > # ; \" \\ /" % (what, name))
    return name


class Layout:
    """Every DN and legacyExchangeDN of the organization, computed from the
    domain and the two names (nothing is read from the directory)."""

    def __init__(self, domain, organization=DEFAULT_ORGANIZATION,
                 admin_group=DEFAULT_ADMIN_GROUP):
        self.domain = domain
        self.organization = organization
        self.admin_group = admin_group
        self.server_name = domain.server_name
        conf = domain.config_dn
        self.exchange = "CN=Microsoft Exchange,CN=Services,%s" % conf
        self.org = "CN=%s,%s" % (organization, self.exchange)
        self.admin_groups = "CN=Administrative Groups,%s" % self.org
        self.ag = "CN=%s,%s" % (admin_group, self.admin_groups)
        self.servers = "CN=Servers,%s" % self.ag
        self.server = "CN=%s,%s" % (self.server_name, self.servers)
        self.information_store = "CN=InformationStore,%s" % self.server
        self.storage_group = "CN=First Storage Group,%s" % self.information_store
        self.mdb = "CN=Mailbox Database,%s" % self.storage_group
        self.public_mdb = "CN=Public Folder Database,%s" % self.storage_group
        self.address_lists = "CN=Address Lists Container,%s" % self.org
        self.all_address_lists = "CN=All Address Lists,%s" % self.address_lists
        self.all_users = "CN=All Users,%s" % self.all_address_lists
        self.all_groups = "CN=All Groups,%s" % self.all_address_lists
        self.all_contacts = "CN=All Contacts,%s" % self.all_address_lists
        self.all_gals = "CN=All Global Address Lists,%s" % self.address_lists
        self.gal = "CN=Default Global Address List,%s" % self.all_gals
        self.offline_lists = "CN=Offline Address Lists,%s" % self.address_lists
        self.oab = "CN=Default Offline Address List,%s" % self.offline_lists

        self.org_legacy_dn = "/o=%s" % organization
        self.ag_legacy_dn = "%s/ou=%s" % (self.org_legacy_dn, admin_group)
        self.server_legacy_dn = "%s/cn=Configuration/cn=Servers/cn=%s" % (
            self.ag_legacy_dn, self.server_name)
        self.mdb_legacy_dn = "%s/cn=Microsoft Private MDB" % self.server_legacy_dn
        self.public_mdb_legacy_dn = "%s/cn=Microsoft Public MDB" % self.server_legacy_dn
        self.recipients_legacy_dn = "%s/cn=Recipients" % self.ag_legacy_dn

    def recipient_legacy_dn(self, nickname):
        return "%s/cn=%s" % (self.recipients_legacy_dn, nickname)

    def ocdb_facts(self):
        """The server record of openchange.ldb."""
        return {
            "serverName": self.server_name,
            "organization": self.organization,
            "administrativeGroup": self.admin_group,
            "organizationDN": self.org,
            "legacyExchangeDN": self.server_legacy_dn,
            "serverDN": self.server,
            "mdbDN": self.mdb,
            "mdbLegacyExchangeDN": self.mdb_legacy_dn,
            "publicMDBDN": self.public_mdb,
            "globalAddressListDN": self.gal,
            "realm": self.domain.realm,
            "fqdn": self.domain.fqdn,
            "mapistoreRoot": os.path.join(self.domain.private_dir, "mapistore"),
            "version": PROVISION_VERSION,
        }

    def objects(self):
        """(DN, attributes) of every object, parents first."""
        fqdn = self.domain.fqdn
        return [
            (self.org, {"objectClass": "msExchOrganizationContainer",
                        "legacyExchangeDN": self.org_legacy_dn,
                        "adminDescription": VERSION_PREFIX + PROVISION_VERSION}),
            (self.admin_groups, {"objectClass": "msExchAdminGroupContainer"}),
            (self.ag, {"objectClass": "msExchAdminGroup",
                       "legacyExchangeDN": self.ag_legacy_dn}),
            (self.servers, {"objectClass": "msExchServersContainer"}),
            (self.server, {"objectClass": "msExchExchangeServer",
                           "legacyExchangeDN": self.server_legacy_dn,
                           "networkAddress": ["ncacn_ip_tcp:%s" % fqdn,
                                              "netbios:%s" % self.server_name],
                           "dNSHostName": fqdn}),
            (self.information_store, {"objectClass": "msExchInformationStore"}),
            (self.storage_group, {"objectClass": "msExchStorageGroup",
                                  "displayName": "First Storage Group"}),
            (self.public_mdb, {"objectClass": "msExchPublicMDB",
                               "legacyExchangeDN": self.public_mdb_legacy_dn,
                               "deliveryMechanism": "0",
                               "displayName": "Public Folder Database",
                               "msExchOwningServer": self.server}),
            (self.mdb, {"objectClass": "msExchPrivateMDB",
                        "legacyExchangeDN": self.mdb_legacy_dn,
                        "deliveryMechanism": "0",
                        "displayName": "Mailbox Database",
                        "msExchOwningServer": self.server,
                        "msExchHomePublicMDB": self.public_mdb}),
            (self.address_lists, {"objectClass": "msExchContainer"}),
            (self.all_address_lists, {"objectClass": "addressBookContainer",
                                      "displayName": "All Address Lists"}),
            (self.all_users, {"objectClass": "addressBookContainer",
                              "displayName": "All Users",
                              "purportedSearch": FILTER_ALL_USERS}),
            (self.all_groups, {"objectClass": "addressBookContainer",
                               "displayName": "All Groups",
                               "purportedSearch": FILTER_ALL_GROUPS}),
            (self.all_contacts, {"objectClass": "addressBookContainer",
                                 "displayName": "All Contacts",
                                 "purportedSearch": FILTER_ALL_CONTACTS}),
            (self.all_gals, {"objectClass": "addressBookContainer",
                             "displayName": "All Global Address Lists"}),
            (self.gal, {"objectClass": "addressBookContainer",
                        "displayName": "Default Global Address List",
                        "purportedSearch": FILTER_GAL}),
            (self.offline_lists, {"objectClass": "msExchContainer"}),
            (self.oab, {"objectClass": "msExchOAB",
                        "offLineABServer": self.server,
                        "offLineABContainers": self.gal,
                        "offLineABStyle": "1",
                        # 84 bytes, one bit per hour quarter... none: never
                        # generated (there is no OAB generator).
                        "offLineABSchedule": bytes(84),
                        "msExchOABFolder": ndr_pack(misc.GUID(str(uuid.uuid4()))),
                        "doOABVersion": "0"}),
        ]


def _element(name, value, flag=ldb.FLAG_MOD_ADD):
    if isinstance(value, (list, tuple)):
        return ldb.MessageElement(list(value), flag, name)
    return ldb.MessageElement(value, flag, name)


def _add(samdb, dn, attrs):
    msg = ldb.Message(ldb.Dn(samdb, dn))
    for name, value in attrs.items():
        msg[name] = _element(name, value)
    samdb.add(msg)


def _exists(samdb, dn, attrs=()):
    try:
        found = samdb.search(ldb.Dn(samdb, dn), ldb.SCOPE_BASE, attrs=list(attrs) or ["cn"])
    except ldb.LdbError as error:
        if error.args[0] == ldb.ERR_NO_SUCH_OBJECT:
            return None
        raise
    return found[0] if found else None


# ---------------------------------------------------------------- state

class State:
    """What the directory and openchange.ldb say about a provisioning."""

    def __init__(self, organizations, version, admin_groups, ocdb_exists):
        self.organizations = organizations  # names of msExchOrganizationContainers
        self.version = version
        self.admin_groups = admin_groups
        self.ocdb_exists = ocdb_exists

    @property
    def provisioned(self):
        return bool(self.organizations)


def read_state(domain):
    samdb = domain.samdb
    exchange = "CN=Microsoft Exchange,CN=Services,%s" % domain.config_dn
    orgs, version, groups = [], None, []
    if _exists(samdb, exchange) is not None:
        found = samdb.search(ldb.Dn(samdb, exchange), ldb.SCOPE_ONELEVEL,
                             "(objectClass=msExchOrganizationContainer)",
                             ["cn", "adminDescription"])
        for msg in found:
            orgs.append(str(msg["cn"][0]))
            text = str(msg["adminDescription"][0]) if "adminDescription" in msg else ""
            version = text[len(VERSION_PREFIX):] if text.startswith(VERSION_PREFIX) else None
            groups = [str(g["cn"][0]) for g in samdb.search(
                ldb.Dn(samdb, "CN=Administrative Groups,%s" % msg.dn), ldb.SCOPE_ONELEVEL,
                "(objectClass=msExchAdminGroup)", ["cn"])] if _exists(
                    samdb, "CN=Administrative Groups,%s" % msg.dn) is not None else []
    return State(orgs, version, groups, os.path.exists(domain.ocdb_path()))


def compatible(version):
    """Same major version as ours."""
    return version is not None and version.split(".")[0] == PROVISION_VERSION.split(".")[0]


def check_existing(state, organization, admin_group):
    """None if STATE is exactly our provisioning of ORGANIZATION/ADMIN_GROUP
    ("already provisioned"), "absent" if there is none; raises otherwise."""
    if not state.provisioned:
        if state.ocdb_exists:
            raise ProvisionError("openchange.ldb exists but the directory holds no Exchange "
                                 "organization: remove it (openchange_provision "
                                 "--deprovision) and provision again")
        return "absent"
    if len(state.organizations) > 1 or state.organizations[0] != organization:
        raise ProvisionError("already provisioned with organization %s, not %r: "
                             "deprovision first or pass --organization %r"
                             % (", ".join(repr(o) for o in state.organizations),
                                organization, state.organizations[0]))
    if not compatible(state.version):
        raise ProvisionError("organization %r was provisioned by an incompatible version "
                             "(%s; this is %s): not touching it"
                             % (organization, state.version or "not by openchange_provision",
                                PROVISION_VERSION))
    if admin_group not in state.admin_groups:
        raise ProvisionError("organization %r has administrative group %s, not %r"
                             % (organization, ", ".join(repr(g) for g in state.admin_groups)
                                or "none", admin_group))
    if not state.ocdb_exists:
        raise ProvisionError("the organization exists but openchange.ldb is missing: "
                             "deprovision and provision again")
    return None


# ---------------------------------------------------------------- changes

def create(domain, layout):
    """Adds the organization (one sam.ldb transaction) and openchange.ldb
    (written to a temporary file, renamed into place only after the
    directory commit).  Either both exist afterwards or neither."""
    samdb = domain.samdb
    path = domain.ocdb_path()
    fd, tmp = tempfile.mkstemp(prefix=".openchange.ldb.", dir=os.path.dirname(path))
    os.close(fd)
    os.unlink(tmp)
    try:
        db = ocdb.create(tmp, layout.ocdb_facts())
        del db
        samdb.transaction_start()
        try:
            if _exists(samdb, layout.exchange) is None:
                _add(samdb, layout.exchange, {"objectClass": "msExchConfigurationContainer"})
            for dn, attrs in layout.objects():
                _add(samdb, dn, attrs)
            msg = ldb.Message(ldb.Dn(samdb, layout.exchange))
            msg["addressBookRoots"] = _element("addressBookRoots", layout.all_address_lists,
                                               ldb.FLAG_MOD_REPLACE)
            msg["globalAddressList"] = _element("globalAddressList", layout.gal,
                                                ldb.FLAG_MOD_REPLACE)
            samdb.modify(msg)
        except BaseException:
            samdb.transaction_cancel()
            raise
        samdb.transaction_commit()
        os.chmod(tmp, 0o600)
        os.rename(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def remove(domain, state):
    """Deletes every organization (subtree) and the Microsoft Exchange
    container if nothing else is left in it, then openchange.ldb."""
    samdb = domain.samdb
    exchange = "CN=Microsoft Exchange,CN=Services,%s" % domain.config_dn
    samdb.transaction_start()
    try:
        for name in state.organizations:
            samdb.delete(ldb.Dn(samdb, "CN=%s,%s" % (name, exchange)), ["tree_delete:1"])
        if _exists(samdb, exchange) is not None:
            left = samdb.search(ldb.Dn(samdb, exchange), ldb.SCOPE_ONELEVEL, attrs=["cn"])
            if len(left) == 0:
                samdb.delete(ldb.Dn(samdb, exchange))
            else:
                msg = ldb.Message(ldb.Dn(samdb, exchange))
                for name in ("addressBookRoots", "globalAddressList"):
                    msg[name] = ldb.MessageElement([], ldb.FLAG_MOD_DELETE, name)
                samdb.modify(msg)
    except BaseException:
        samdb.transaction_cancel()
        raise
    samdb.transaction_commit()
    if state.ocdb_exists:
        os.unlink(domain.ocdb_path())


def load(domain):
    """The Layout of the provisioned organization (from openchange.ldb's
    server record); raises if not provisioned."""
    state = read_state(domain)
    if not state.provisioned or not state.ocdb_exists:
        raise ProvisionError("this domain is not provisioned for OpenChange: run "
                             "openchange_provision first")
    db = ocdb.open_db(domain.ocdb_path())
    record = ocdb.server_record(db)
    layout = Layout(domain, ocdb.first(record, "organization"),
                    ocdb.first(record, "administrativeGroup"))
    if ocdb.first(record, "serverName") != domain.server_name:
        raise ProvisionError("openchange.ldb belongs to server %s, this is %s"
                             % (ocdb.first(record, "serverName"), domain.server_name))
    return layout, db
