"""openchange.ldb: the mailbox index the mailbox server reads (C side:
lpcfg_private_path(lp_ctx, "openchange.ldb")).  Records (doc/directory.md):

  @INDEXLIST, @ATTRIBUTES        index and case-folding of the fields below
  CN=<SRV>                       objectClass server: the organization facts
  CN=Mailboxes,CN=<SRV>          objectClass container
  CN=<mailNickname>,CN=Mailboxes,CN=<SRV>
                                 objectClass mailbox: one per mailbox
"""
import os
import uuid

import ldb

from . import ProvisionError

INDEXED = ("objectClass", "cn", "mailNickname", "ownerDN", "ownerSID", "legacyExchangeDN",
           "mailboxGUID", "replicaGUID")
CASE_INSENSITIVE = ("objectClass", "cn", "mailNickname", "ownerDN", "legacyExchangeDN",
                    "mailboxGUID", "replicaGUID")


def open_db(path, create=False):
    if not create and not os.path.exists(path):
        raise ProvisionError("%s does not exist: run openchange_provision first" % path)
    flags = 0 if create else ldb.FLG_DONT_CREATE_DB
    try:
        return ldb.Ldb(path, flags=flags)
    except ldb.LdbError as error:
        raise ProvisionError("cannot open %s: %s" % (path, error.args[-1])) from None


def _special(db, dn, values):
    msg = ldb.Message(ldb.Dn(db, dn))
    for name, items in values.items():
        msg[name] = ldb.MessageElement(list(items), ldb.FLAG_MOD_ADD, name)
    db.add(msg)


def server_dn(server_name):
    return "CN=%s" % server_name


def mailboxes_dn(server_name):
    return "CN=Mailboxes,%s" % server_dn(server_name)


def create(path, facts):
    """Writes a new openchange.ldb at PATH (which must not exist) holding
    the server record made of FACTS (a dict, see organization.py)."""
    db = open_db(path, create=True)
    db.transaction_start()
    try:
        _special(db, "@INDEXLIST", {"@IDXATTR": INDEXED, "@IDXONE": ["1"]})
        _special(db, "@ATTRIBUTES", {name: ["CASE_INSENSITIVE"] for name in CASE_INSENSITIVE})
        msg = ldb.Message(ldb.Dn(db, server_dn(facts["serverName"])))
        msg["objectClass"] = "server"
        msg["cn"] = facts["serverName"]
        for key, value in facts.items():
            msg[key] = str(value)
        db.add(msg)
        box = ldb.Message(ldb.Dn(db, mailboxes_dn(facts["serverName"])))
        box["objectClass"] = "container"
        box["cn"] = "Mailboxes"
        db.add(box)
        db.transaction_commit()
    except BaseException:
        db.transaction_cancel()
        raise
    return db


def server_record(db):
    found = db.search(ldb.Dn(db, ""), ldb.SCOPE_SUBTREE, "(objectClass=server)")
    if len(found) != 1:
        raise ProvisionError("openchange.ldb holds %d server records, expected one" % len(found))
    return found[0]


def first(msg, name, default=None):
    return str(msg[name][0]) if name in msg and len(msg[name]) else default


def find_mailbox(db, server_name, nickname=None, owner_dn=None):
    if nickname is not None:
        expr = "(&(objectClass=mailbox)(mailNickname=%s))" % ldb.binary_encode(nickname)
    else:
        expr = "(&(objectClass=mailbox)(ownerDN=%s))" % ldb.binary_encode(owner_dn)
    found = db.search(ldb.Dn(db, mailboxes_dn(server_name)), ldb.SCOPE_ONELEVEL, expr)
    return found[0] if found else None


def mailbox_message(db, server_name, record, existing=None):
    """An add (or, with EXISTING, a replace) of a mailbox record."""
    if existing is not None:
        dn = existing.dn
    else:
        dn = ldb.Dn(db, "CN=x,%s" % mailboxes_dn(server_name))
        dn.set_component(0, "CN", record["mailNickname"])  # escapes + = etc.
    msg = ldb.Message(dn)
    flag = ldb.FLAG_MOD_REPLACE if existing is not None else ldb.FLAG_MOD_ADD
    if existing is None:
        msg["objectClass"] = ldb.MessageElement("mailbox", flag, "objectClass")
        msg["cn"] = ldb.MessageElement(record["mailNickname"], flag, "cn")
    for key, value in record.items():
        msg[key] = ldb.MessageElement(str(value), flag, key)
    return msg


def new_replica_guid():
    return str(uuid.uuid4())
