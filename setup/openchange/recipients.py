"""Mail-enabling AD objects: mailbox users, groups and contacts, as the
contract in doc/directory.md says.  One Directory (one sam.ldb and one
openchange.ldb connection) serves any number of calls, so the test bed's
bulk population costs no process per object."""
import os
import re
import secrets
import uuid

import ldb
from samba.dcerpc import misc
from samba.ndr import ndr_pack, ndr_unpack

from . import ProvisionError, connect, ocdb, organization

# MS-OXCDATA / Exchange recipient display types (PidTagDisplayTypeEx) and
# msExchRecipientTypeDetails values written here.
DISPLAY_TYPE_MAILBOX_USER = 0
DISPLAY_TYPE_DISTLIST = 1
DISPLAY_TYPE_REMOTE_MAIL_USER = 6
TYPE_DETAILS_USER_MAILBOX = 1
TYPE_DETAILS_MAIL_CONTACT = 64
TYPE_DETAILS_MAIL_UNIVERSAL_DISTRIBUTION_GROUP = 256

# What --disable clears from a mailbox user.
MAILBOX_ATTRIBUTES = ("mailNickname", "legacyExchangeDN", "proxyAddresses", "homeMDB",
                      "homeMTA", "msExchHomeServerName", "msExchMailboxGuid",
                      "msExchRecipientTypeDetails", "msExchRecipientDisplayType",
                      "showInAddressBook")

# RFC 5322 atext plus the dot: what Exchange accepts in an alias.  No "/"
# (it separates legacyExchangeDN parts) and no DN specials but + and =,
# which the openchange.ldb DN escapes.
_NICKNAME_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+\-=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-=?^_`{|}~]+)*$")
_ADDRESS_RE = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def check_nickname(nickname):
    if not nickname or len(nickname) > 64 or not _NICKNAME_RE.match(nickname):
        raise ProvisionError("%r cannot be a mail nickname (1-64 letters, digits, dots and "
                             "!#$%%&'*+-=?^_`{|}~): pass --nickname" % nickname)
    return nickname


def check_address(address):
    if not address or not _ADDRESS_RE.match(address) or len(address) > 256:
        raise ProvisionError("%r is not an SMTP address (local@domain)" % address)
    return address


def _first(msg, name, default=None):
    if name in msg and len(msg[name]):
        return str(msg[name][0])
    return default


def _escape(value):
    return ldb.binary_encode(value)


class Directory:
    """An opened, provisioned domain: sam.ldb, the layout, openchange.ldb."""

    def __init__(self, configfile=None, url=None, domain=None, write=True):
        self.domain = domain or connect.open_domain(configfile, url, write=write)
        self.samdb = self.domain.samdb
        self.layout, self.ocdb = organization.load(self.domain)

    # ------------------------------------------------------------ lookups

    def _search_domain(self, expr, attrs):
        return self.samdb.search(self.domain.domain_dn, ldb.SCOPE_SUBTREE, expr, attrs)

    def find_account(self, name, object_class):
        found = self._search_domain("(&(objectClass=%s)(sAMAccountName=%s))"
                                    % (object_class, _escape(name)), ["*", "objectSid"])
        return found[0] if found else None

    def address_owner(self, address, exclude_dn=None):
        """The DN of whatever in the forest has ADDRESS as mail or proxy
        address (any prefix case), other than EXCLUDE_DN; None if free."""
        expr = "(|(mail=%s)(proxyAddresses=smtp:%s))" % (_escape(address), _escape(address))
        for base in (self.domain.domain_dn, self.domain.config_dn):
            for msg in self.samdb.search(base, ldb.SCOPE_SUBTREE, expr, ["cn"]):
                if exclude_dn is None or msg.dn != exclude_dn:
                    return str(msg.dn)
        return None

    def nickname_owner(self, nickname, exclude_dn=None):
        expr = "(|(mailNickname=%s)(legacyExchangeDN=%s))" % (
            _escape(nickname), _escape(self.layout.recipient_legacy_dn(nickname)))
        for msg in self._search_domain(expr, ["cn"]):
            if exclude_dn is None or msg.dn != exclude_dn:
                return str(msg.dn)
        return None

    def _check_unique(self, nickname, address, dn):
        owner = self.nickname_owner(nickname, dn)
        if owner:
            raise ProvisionError("mail nickname %r is already used by %s" % (nickname, owner))
        owner = self.address_owner(address, dn)
        if owner:
            raise ProvisionError("SMTP address %s is already used by %s" % (address, owner))

    def default_address(self, local):
        return "%s@%s" % (local, self.domain.mail_domain)

    # ------------------------------------------------------------ changes

    def _transaction(self, work, with_ocdb=False):
        self.samdb.transaction_start()
        if with_ocdb:
            self.ocdb.transaction_start()
        try:
            result = work()
        except BaseException:
            if with_ocdb:
                self.ocdb.transaction_cancel()
            self.samdb.transaction_cancel()
            raise
        try:
            self.samdb.transaction_commit()
        except BaseException:
            if with_ocdb:
                self.ocdb.transaction_cancel()
            raise
        if with_ocdb:
            self.ocdb.transaction_commit()
        return result

    def _replace(self, dn, values):
        msg = ldb.Message(dn)
        for name, value in values.items():
            items = value if isinstance(value, (list, tuple)) else [value]
            items = [v if isinstance(v, bytes) else str(v) for v in items]
            msg[name] = ldb.MessageElement(items, ldb.FLAG_MOD_REPLACE, name)
        self.samdb.modify(msg)

    def _proxy_addresses(self, msg, address, legacy_dn):
        """SMTP:<primary> and X500:<legacyExchangeDN>, keeping the object's
        other addresses (a former primary becomes a secondary smtp:)."""
        result = ["SMTP:%s" % address, "X500:%s" % legacy_dn]
        for value in (msg["proxyAddresses"] if "proxyAddresses" in msg else []):
            value = str(value)
            kind, _, rest = value.partition(":")
            if kind.lower() == "smtp" and rest.lower() == address.lower():
                continue
            if kind.lower() == "x500" and rest.lower() == legacy_dn.lower():
                continue
            if kind == "SMTP":
                value = "smtp:" + rest
            result.append(value)
        return result

    def mailbox_enable(self, name, create=False, password=None, display_name=None,
                       given_name=None, surname=None, mail=None, nickname=None):
        """Mailbox-enables user NAME (creating it first with CREATE).
        Returns a dict of what was written (and "password" when one was
        generated or given with CREATE)."""
        def work():
            return self._mailbox_enable(name, create, password, display_name, given_name,
                                        surname, mail, nickname)
        try:
            return self._transaction(work, with_ocdb=True)
        except ldb.LdbError as error:
            raise ProvisionError("the directory refused %s: %s" % (name, error.args[-1])) from None

    def _mailbox_enable(self, name, create, password, display_name, given_name, surname,
                        mail, nickname):
        user = self.find_account(name, "user")
        result = {}
        if create:
            if user is not None:
                raise ProvisionError("user %s already exists (drop --create to mailbox-enable "
                                     "it)" % name)
            nickname = check_nickname(nickname or name)
            password = password or generate_password()
            result["password"] = password
            # Checked before the account exists: a refusal writes nothing.
            address = check_address(mail or self.default_address(nickname.lower()))
            self._check_unique(nickname, address, None)
            self.samdb.newuser(name, password, givenname=given_name, surname=surname,
                               force_password_change_at_next_login_req=False)
            user = self.find_account(name, "user")
        elif user is None:
            raise ProvisionError("no user %s in %s (use --create to create it)"
                                 % (name, self.domain.realm))
        nickname = check_nickname(nickname or _first(user, "mailNickname") or name)
        address = check_address(mail or _first(user, "mail")
                                or self.default_address(nickname.lower()))
        self._check_unique(nickname, address, user.dn)
        legacy_dn = self.layout.recipient_legacy_dn(nickname)
        record = ocdb.find_mailbox(self.ocdb, self.layout.server_name, owner_dn=str(user.dn))
        guid = str(ndr_unpack(misc.GUID, bytes(user["msExchMailboxGuid"][0]))) \
            if "msExchMailboxGuid" in user else None
        guid = guid or (record is not None and ocdb.first(record, "mailboxGUID")) \
            or str(uuid.uuid4())
        if not display_name and not _first(user, "displayName"):
            names = " ".join(n for n in (_first(user, "givenName") or given_name,
                                         _first(user, "sn") or surname) if n)
            display_name = names or name
        values = {
            "mailNickname": nickname,
            "legacyExchangeDN": legacy_dn,
            "proxyAddresses": self._proxy_addresses(user, address, legacy_dn),
            "homeMDB": self.layout.mdb,
            "msExchHomeServerName": self.layout.server_legacy_dn,
            "msExchMailboxGuid": ndr_pack(misc.GUID(guid)),
            "msExchRecipientTypeDetails": TYPE_DETAILS_USER_MAILBOX,
            "msExchRecipientDisplayType": DISPLAY_TYPE_MAILBOX_USER,
            "showInAddressBook": [self.layout.gal, self.layout.all_users],
        }
        if mail or not _first(user, "mail"):
            values["mail"] = address
        if display_name:
            values["displayName"] = display_name
        self._replace(user.dn, values)

        sid = self.samdb.schema_format_value("objectSid", user["objectSid"][0]).decode()
        entry = {
            "ownerDN": str(user.dn),
            "ownerSID": sid,
            "mailNickname": nickname,
            "legacyExchangeDN": legacy_dn,
            "mailboxGUID": guid,
            "replicaID": 1,
            "replicaGUID": (record is not None and ocdb.first(record, "replicaGUID"))
            or ocdb.new_replica_guid(),
            "mapistoreURI": "sqlite3://%s" % os.path.join(
                self.domain.private_dir, "mapistore", guid, "mailbox.db"),
            "enabled": "TRUE",
        }
        if record is not None and ocdb.first(record, "mailNickname") != nickname:
            self.ocdb.delete(record.dn)
            record = None
        self.ocdb.modify(ocdb.mailbox_message(self.ocdb, self.layout.server_name, entry, record)) \
            if record is not None else \
            self.ocdb.add(ocdb.mailbox_message(self.ocdb, self.layout.server_name, entry))
        result.update(values)
        result.update({"account": name, "dn": str(user.dn), "smtp": address,
                       "mailboxGUID": guid, "ownerSID": sid})
        return result

    def mailbox_disable(self, name):
        """Clears the Exchange attributes of user NAME and marks its
        openchange.ldb record disabled (the mailbox data stays)."""
        def work():
            user = self.find_account(name, "user")
            if user is None:
                raise ProvisionError("no user %s in %s" % (name, self.domain.realm))
            record = ocdb.find_mailbox(self.ocdb, self.layout.server_name,
                                       owner_dn=str(user.dn))
            if record is None and "homeMDB" not in user:
                raise ProvisionError("user %s has no mailbox" % name)
            msg = ldb.Message(user.dn)
            for attr in MAILBOX_ATTRIBUTES:
                if attr in user:
                    msg[attr] = ldb.MessageElement([], ldb.FLAG_MOD_DELETE, attr)
            if len(msg) > 0:
                self.samdb.modify(msg)
            if record is not None:
                change = ldb.Message(record.dn)
                change["enabled"] = ldb.MessageElement("FALSE", ldb.FLAG_MOD_REPLACE, "enabled")
                self.ocdb.modify(change)
            return str(user.dn)
        try:
            return self._transaction(work, with_ocdb=True)
        except ldb.LdbError as error:
            raise ProvisionError("the directory refused %s: %s" % (name, error.args[-1])) from None

    def list_mailboxes(self):
        """[(account, display name, SMTP address, enabled)] by account."""
        rows = []
        base = ldb.Dn(self.ocdb, ocdb.mailboxes_dn(self.layout.server_name))
        for record in self.ocdb.search(base, ldb.SCOPE_ONELEVEL, "(objectClass=mailbox)"):
            owner = ocdb.first(record, "ownerDN")
            account = display = smtp = ""
            try:
                found = self.samdb.search(owner, ldb.SCOPE_BASE,
                                          attrs=["sAMAccountName", "displayName", "mail",
                                                 "proxyAddresses"])
            except ldb.LdbError:
                found = []
            if found:
                msg = found[0]
                account = _first(msg, "sAMAccountName", "")
                display = _first(msg, "displayName", "")
                smtp = next((str(v)[5:] for v in (msg["proxyAddresses"] if "proxyAddresses"
                                                  in msg else []) if str(v).startswith("SMTP:")),
                            _first(msg, "mail", ""))
            rows.append((account or "(deleted: %s)" % owner, display, smtp,
                         ocdb.first(record, "enabled") == "TRUE"))
        return sorted(rows, key=lambda row: row[0].lower())

    def mail_enable_group(self, name, create=False, mail=None, display_name=None,
                          nickname=None):
        def work():
            group = self.find_account(name, "group")
            if create:
                if group is not None:
                    raise ProvisionError("group %s already exists (drop --create)" % name)
                nick = check_nickname(nickname or name)
                address = check_address(mail or self.default_address(nick.lower()))
                self._check_unique(nick, address, None)
                self.samdb.newgroup(name)
                group = self.find_account(name, "group")
            elif group is None:
                raise ProvisionError("no group %s in %s (use --create to create it)"
                                     % (name, self.domain.realm))
            return self._mail_enable(group, nickname or _first(group, "mailNickname") or name,
                                     mail or _first(group, "mail"), display_name or
                                     _first(group, "displayName") or name,
                                     DISPLAY_TYPE_DISTLIST,
                                     TYPE_DETAILS_MAIL_UNIVERSAL_DISTRIBUTION_GROUP,
                                     self.layout.all_groups)
        try:
            return self._transaction(work)
        except ldb.LdbError as error:
            raise ProvisionError("the directory refused %s: %s" % (name, error.args[-1])) from None

    def _mail_enable(self, msg, nickname, mail, display_name, display_type, type_details,
                     address_list, target=None):
        nickname = check_nickname(nickname)
        address = check_address(mail or self.default_address(nickname.lower()))
        self._check_unique(nickname, address, msg.dn)
        legacy_dn = self.layout.recipient_legacy_dn(nickname)
        values = {
            "mailNickname": nickname,
            "mail": address,
            "legacyExchangeDN": legacy_dn,
            "proxyAddresses": self._proxy_addresses(msg, address, legacy_dn),
            "displayName": display_name,
            "msExchRecipientDisplayType": display_type,
            "msExchRecipientTypeDetails": type_details,
            "showInAddressBook": [self.layout.gal, address_list],
        }
        if target:
            values["targetAddress"] = target
        self._replace(msg.dn, values)
        values.update({"dn": str(msg.dn), "smtp": address})
        return values

    def add_contact(self, name, mail, display_name=None, parent=None, nickname=None,
                    given_name=None, surname=None):
        """Creates a mail contact CN=NAME under PARENT (a DN or an OU name;
        default CN=Users) with external address MAIL."""
        address = check_address(mail)

        def work():
            base = self._container(parent)
            dn = ldb.Dn(self.samdb, "CN=x," + base)
            dn.set_component(0, "CN", name)
            if self._exists(dn):
                raise ProvisionError("%s already exists" % dn)
            nick = check_nickname(nickname or self.free_nickname(address))
            self._check_unique(nick, address, None)
            msg = ldb.Message(dn)
            msg["objectClass"] = ldb.MessageElement("contact", ldb.FLAG_MOD_ADD, "objectClass")
            for attr, value in (("givenName", given_name), ("sn", surname)):
                if value:
                    msg[attr] = ldb.MessageElement(value, ldb.FLAG_MOD_ADD, attr)
            self.samdb.add(msg)
            created = self.samdb.search(dn, ldb.SCOPE_BASE, attrs=["proxyAddresses"])[0]
            return self._mail_enable(created, nick, address, display_name or name,
                                     DISPLAY_TYPE_REMOTE_MAIL_USER, TYPE_DETAILS_MAIL_CONTACT,
                                     self.layout.all_contacts, target="SMTP:%s" % address)
        try:
            return self._transaction(work)
        except ldb.LdbError as error:
            raise ProvisionError("the directory refused contact %s: %s"
                                 % (name, error.args[-1])) from None

    def _exists(self, dn):
        try:
            return bool(self.samdb.search(dn, ldb.SCOPE_BASE, attrs=["cn"]))
        except ldb.LdbError as error:
            if error.args[0] == ldb.ERR_NO_SUCH_OBJECT:
                return False
            raise

    def _container(self, parent):
        if not parent:
            return "CN=Users,%s" % self.domain.domain_dn
        if "=" in parent:
            dn = ldb.Dn(self.samdb, parent)
        else:
            dn = ldb.Dn(self.samdb, "OU=x,%s" % self.domain.domain_dn)
            dn.set_component(0, "OU", parent)
        if not self._exists(dn):
            raise ProvisionError("no container %s" % dn)
        return str(dn)

    def free_nickname(self, address):
        """A nickname from ADDRESS's local part, made valid and unique."""
        local = re.sub(r"[^A-Za-z0-9!#$%&'*+\-=?^_`{|}~.]", "", address.split("@")[0])
        local = local.strip(".") or "contact"
        local = re.sub(r"\.{2,}", ".", local)[:60]
        candidate, n = local, 1
        while self.nickname_owner(candidate):
            n += 1
            candidate = "%s%d" % (local, n)
        return candidate


def generate_password(length=20):
    """A password AD's complexity rules accept that pastes into a shell."""
    classes = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "-_.+=@%")
    chars = [secrets.choice(cls) for cls in classes]
    alphabet = "".join(classes)
    chars += [secrets.choice(alphabet) for _ in range(length - 1 - len(chars))]
    for i in range(len(chars) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    return secrets.choice(classes[0] + classes[1]) + "".join(chars)
