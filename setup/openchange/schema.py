"""The Exchange extension of the AD schema, from setup/data/*.tsv.

select() picks what to add: a closed subset (the classes the organization
layout and mail-enabled recipients use, the auxiliary classes Exchange hangs
on user/group/container/organizationalUnit, and every attribute and class
those mention, recursively), or everything with scope="all".
apply() adds what the live schema lacks, inside the caller's transaction;
objects already there with the same OID are left alone, so it is idempotent.
"""
import ldb
from samba.dcerpc import misc
from samba.ndr import ndr_pack

from . import ProvisionError
from .tables import is_base, load_attributes, load_classes, split_list

# Structural classes of the Configuration-partition layout (organization.py).
LAYOUT_CLASSES = (
    "msExchOrganizationContainer", "msExchAdminGroupContainer", "msExchAdminGroup",
    "msExchServersContainer", "msExchExchangeServer", "msExchInformationStore",
    "msExchStorageGroup", "msExchPrivateMDB", "msExchPublicMDB", "msExchContainer",
    "msExchOAB",
)

# Base classes whose Exchange modifications we apply: the recipients'
# classes, the containers that gain msExchBaseClass and server (the parent
# of msExchExchangeServer, which gains networkAddress).  The extension also
# touches computer, domainDNS, nTDSDSA, organizationalPerson, samDomain and
# site: only with scope="all".
MODIFIED_BASE_CLASSES = ("user", "group", "contact", "mailRecipient", "container", "server",
                         "organizationalUnit", "addressBookContainer")

# Attributes the recipient tools and the servers need, whatever the classes
# say (all of them are also reached through mailRecipient/msExchMailStorage).
REQUIRED_ATTRIBUTES = (
    "mailNickname", "homeMDB", "homeMTA", "msExchHomeServerName", "targetAddress",
    "msExchMailboxGuid", "msExchRecipientTypeDetails", "msExchRecipientDisplayType",
    "msExchHideFromAddressLists",
)

# Attributes the layout (organization.py) sets beyond the classes' mustContain.
LAYOUT_ATTRIBUTES = ("msExchOwningServer", "msExchHomePublicMDB", "deliveryMechanism")

# searchFlags bits (MS-ADTS 2.2.9): 1 = indexed, 4 = ambiguous name
# resolution.  The tables do not carry searchFlags; these are the ones the
# address book searches by.  Samba builds @INDEXLIST and its ANR set from them.
SEARCH_FLAGS = {
    "mailNickname": 5,          # NspiResolveNames / ANR, like displayName
    "msExchMailboxGuid": 1,     # the mailbox server finds the owner by GUID
    "homeMDB": 1,
    "msExchHideFromAddressLists": 0,
}
# Base attributes whose searchFlags we extend (bit-or): the GAL filter is
# showInAddressBook=<GAL DN>, which Samba 4.17 does not index (flags 16).
BASE_SEARCH_FLAGS = {"showInAddressBook": 1}

# oMObjectClass for the oMSyntax 127 attribute syntaxes (MS-ADTS 3.1.1.2.2.2).
OM_OBJECT_CLASS = {
    "2.5.5.1": "1.3.12.2.1011.28.0.714",    # Object(DS-DN)
    "2.5.5.7": "1.2.840.113556.1.1.1.11",   # Object(DN-Binary)
    "2.5.5.13": "1.3.12.2.1011.28.0.732",   # Object(Presentation-Address)
    "2.5.5.14": "1.2.840.113556.1.1.1.12",  # Object(DN-String)
}


def ber_oid(dotted):
    """The BER content octets of an OBJECT IDENTIFIER (X.690 8.19)."""
    arcs = [int(arc) for arc in dotted.split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def guid_bytes(text):
    return ndr_pack(misc.GUID(text))


class SchemaPlan:
    """What the schema must hold: attribute rows to add (forward links
    before back links), class rows to add (superclasses first), and per
    class (new or base) the values its mayContain, auxiliaryClass and
    possSuperiors must include."""

    def __init__(self, attributes, classes, class_values, scope):
        self.attributes = attributes
        self.classes = classes
        self.class_values = class_values
        self.scope = scope

    def attribute_names(self):
        return [row["ldapDisplayName"] for row in self.attributes]

    def class_names(self):
        return [row["ldapDisplayName"] for row in self.classes]


def _class_refs(row):
    return [row["subClassOf"]] + split_list(row["auxiliaryClass"]) + split_list(row["possSuperiors"])


def _class_attrs(row):
    names = []
    for key in ("systemMustContain", "systemMayContain", "mayContain", "mustContain"):
        names += split_list(row.get(key, ""))
    return names


SCOPES = ("minimal", "closure", "all")


def select(scope="minimal", data_dir=None):
    """The SchemaPlan for SCOPE:
    - "minimal" (default): the classes of "closure" minus the possible
      superiors that only drag in unused classes, each class's mayContain
      trimmed to the attributes recipients and the layout use (~120);
    - "closure": those classes with their full definitions and every
      attribute and class they name, recursively (~280 attributes);
    - "all": the whole extension (907 attributes, 165 classes)."""
    attrs = load_attributes(data_dir)
    classes = load_classes(data_dir)
    if scope not in SCOPES:
        raise ValueError("unknown schema scope %r" % scope)
    if scope == "all":
        want_classes = {name for name, row in classes.items() if not is_base(row)}
        want_attrs = {name for name, row in attrs.items() if not is_base(row)}
        modified = [name for name, row in classes.items() if is_base(row)]
    else:
        modified = list(MODIFIED_BASE_CLASSES)
        want_classes, want_attrs = set(), set(REQUIRED_ATTRIBUTES) | set(LAYOUT_ATTRIBUTES)
        todo = list(LAYOUT_CLASSES)
        for base in modified:
            row = classes[base]
            todo += split_list(row["auxiliaryClass"])
            if scope == "closure":
                todo += split_list(row["possSuperiors"])
            want_attrs.update(split_list(row["mayContain"]))
        while todo:
            name = todo.pop()
            row = classes.get(name)
            if name in want_classes or row is None or is_base(row):
                continue  # base classes (in the table or not) are Samba's
            want_classes.add(name)
            if scope == "closure":
                want_attrs.update(_class_attrs(row))
                todo += _class_refs(row)
            else:
                # Mandatory attributes always; optional ones only of the
                # auxiliary classes recipients carry.
                want_attrs.update(split_list(row["mustContain"]))
                if row["objectClassCategory"] == "3":
                    want_attrs.update(split_list(row["mayContain"]))
                todo += [row["subClassOf"]] + split_list(row["auxiliaryClass"])

    # A back link (odd linkID) needs its forward link (linkID - 1).
    by_link = {int(row["linkID"]): name for name, row in attrs.items() if row["linkID"]}
    for name in list(want_attrs):
        row = attrs.get(name)
        if row and row["linkID"] and int(row["linkID"]) % 2 == 1:
            forward = by_link.get(int(row["linkID"]) - 1)
            if forward:
                want_attrs.add(forward)

    attr_rows = [row for name, row in attrs.items() if name in want_attrs and not is_base(row)]
    attr_rows.sort(key=lambda row: bool(row["linkID"]) and int(row["linkID"]) % 2 == 1)
    known_attrs = {name for name, row in attrs.items() if is_base(row)} | want_attrs

    def allowed_class(name):
        return name in want_classes or (name in classes and is_base(classes[name])) \
            or name not in classes

    class_rows = _class_order([classes[name] for name in classes if name in want_classes])
    class_values = {}
    for name in [row["ldapDisplayName"] for row in class_rows] + modified:
        row = classes[name]
        values = {
            "mayContain": [a for a in split_list(row["mayContain"])
                           if scope == "all" or a in known_attrs or a not in attrs],
            "auxiliaryClass": [c for c in split_list(row["auxiliaryClass"]) if allowed_class(c)],
            "possSuperiors": [c for c in split_list(row["possSuperiors"]) if allowed_class(c)],
        }
        values = {key: value for key, value in values.items() if value}
        if values:
            class_values[name] = values
    return SchemaPlan(attr_rows, class_rows, class_values, scope)


def _class_order(rows):
    """Superclasses before subclasses, as (level, row) pairs: a class can
    only be added once the schema holds its superclass, and a new class is
    visible only after the transaction adding it commits."""
    names = {row["ldapDisplayName"] for row in rows}
    by_name = {row["ldapDisplayName"]: row for row in rows}

    def level(name, seen=()):
        parent = by_name[name]["subClassOf"]
        if parent not in names:
            return 0
        if parent in seen:
            raise ProvisionError("schema tables: class inheritance cycle at %s" % name)
        return 1 + level(parent, seen + (name,))

    return sorted(rows, key=lambda row: level(row["ldapDisplayName"]))


def class_level(plan, row):
    names = set(plan.class_names())
    by_name = {r["ldapDisplayName"]: r for r in plan.classes}
    depth = 0
    while row["subClassOf"] in names:
        row = by_name[row["subClassOf"]]
        depth += 1
    return depth


# ---------------------------------------------------------------- the live schema

def live_schema(samdb):
    """lDAPDisplayName -> message, for every attributeSchema and classSchema."""
    base = samdb.get_schema_basedn()
    found = samdb.search(base, ldb.SCOPE_ONELEVEL,
                         "(|(objectClass=attributeSchema)(objectClass=classSchema))",
                         ["lDAPDisplayName", "attributeID", "governsID", "mayContain",
                          "auxiliaryClass", "possSuperiors", "searchFlags", "objectClass"])
    return {str(msg["lDAPDisplayName"][0]): msg for msg in found}


def _first(msg, attr):
    return str(msg[attr][0]) if attr in msg else None


def missing(plan, live):
    """(attribute rows, class rows, class value additions, search flag
    changes) the live schema lacks; raises if a name is taken by another
    OID."""
    attrs, classes = [], []
    for row in plan.attributes:
        msg = live.get(row["ldapDisplayName"])
        if msg is None:
            attrs.append(row)
        elif _first(msg, "attributeID") != row["attributeID"]:
            raise ProvisionError("the schema already has an attribute %s with OID %s, "
                                 "not Exchange's %s" % (row["ldapDisplayName"],
                                                        _first(msg, "attributeID"),
                                                        row["attributeID"]))
    for row in plan.classes:
        msg = live.get(row["ldapDisplayName"])
        if msg is None:
            classes.append(row)
        elif _first(msg, "governsID") != row["governsID"]:
            raise ProvisionError("the schema already has a class %s with OID %s, not "
                                 "Exchange's %s" % (row["ldapDisplayName"],
                                                    _first(msg, "governsID"), row["governsID"]))
    values = {}
    for name, wanted in plan.class_values.items():
        msg = live.get(name)
        if msg is None and name not in plan.class_names():
            raise ProvisionError("the schema has no class %s: not a Samba AD schema?" % name)
        todo = {}
        for attr, items in wanted.items():
            have = {str(v).lower() for v in msg[attr]} if msg is not None and attr in msg else set()
            new = [v for v in items if v.lower() not in have]
            if new:
                todo[attr] = new
        if todo:
            values[name] = todo
    flags = {}
    for name, bits in BASE_SEARCH_FLAGS.items():
        msg = live.get(name)
        current = int(_first(msg, "searchFlags") or 0) if msg is not None else None
        if current is not None and current & bits != bits:
            flags[name] = current | bits
    return attrs, classes, values, flags


def _attribute_message(samdb, row, schema_dn):
    msg = ldb.Message(ldb.Dn(samdb, "CN=%s,%s" % (row["cn"], schema_dn)))
    msg["objectClass"] = ["top", "attributeSchema"]
    msg["cn"] = row["cn"]
    msg["lDAPDisplayName"] = row["ldapDisplayName"]
    msg["attributeID"] = row["attributeID"]
    msg["attributeSyntax"] = row["attributeSyntax"]
    msg["oMSyntax"] = row["oMSyntax"]
    msg["isSingleValued"] = row["isSingleValued"]
    msg["schemaIDGUID"] = ldb.MessageElement(guid_bytes(row["schemaIDGUID"]),
                                             ldb.FLAG_MOD_ADD, "schemaIDGUID")
    if row["oMSyntax"] == "127":
        msg["oMObjectClass"] = ldb.MessageElement(
            ber_oid(OM_OBJECT_CLASS[row["attributeSyntax"]]), ldb.FLAG_MOD_ADD, "oMObjectClass")
    for key in ("mAPIID", "rangeLower", "rangeUpper", "linkID"):
        if row[key]:
            msg[key] = row[key]
    flags = SEARCH_FLAGS.get(row["ldapDisplayName"])
    if flags:
        msg["searchFlags"] = str(flags)
    return msg


def _class_message(samdb, row, schema_dn):
    """A new class without its mayContain, auxiliaryClass and
    possSuperiors: those may name classes added in the same run, which the
    schema only knows after a commit, so apply() adds them last."""
    msg = ldb.Message(ldb.Dn(samdb, "CN=%s,%s" % (row["cn"], schema_dn)))
    msg["objectClass"] = ["top", "classSchema"]
    msg["cn"] = row["cn"]
    msg["lDAPDisplayName"] = row["ldapDisplayName"]
    msg["governsID"] = row["governsID"]
    msg["objectClassCategory"] = row["objectClassCategory"]
    msg["subClassOf"] = row["subClassOf"]
    msg["schemaIDGUID"] = ldb.MessageElement(guid_bytes(row["schemaIDGUID"]),
                                             ldb.FLAG_MOD_ADD, "schemaIDGUID")
    for key in ("mustContain", "systemMustContain", "systemMayContain"):
        values = split_list(row.get(key, ""))
        if values:
            msg[key] = values
    return msg


def schema_update_now(samdb):
    """Makes the DSA reload the schema from the partition (the rootDSE
    operational attribute schemaUpdateNow)."""
    msg = ldb.Message(ldb.Dn(samdb, ""))
    msg["schemaUpdateNow"] = ldb.MessageElement("1", ldb.FLAG_MOD_ADD, "schemaUpdateNow")
    samdb.modify(msg)


def _in_transaction(samdb, work):
    samdb.transaction_start()
    try:
        work()
    except BaseException:
        samdb.transaction_cancel()
        raise
    samdb.transaction_commit()
    schema_update_now(samdb)


def apply(samdb, plan, progress=None):
    """Adds what the live schema lacks; returns the number of schema
    objects added or modified (0: nothing to do).

    Samba validates a schema object against the schema loaded when the
    transaction started, so the work is split in committed steps:
    attributes; new classes by inheritance depth (bare: names and
    mandatory attributes); then mayContain, auxiliaryClass and
    possSuperiors of new and base classes, and searchFlags.  Each step
    only adds what is missing, so a run interrupted between steps is
    completed by the next one.  The SamDB's loadparm must allow schema
    updates (connect.open_domain(schema_updates=True))."""
    report = progress or (lambda text: None)
    live = live_schema(samdb)
    attrs, classes, values, flags = missing(plan, live)
    if not (attrs or classes or values or flags):
        return 0
    schema_dn = samdb.get_schema_basedn()
    if attrs:
        report("adding %d attributes" % len(attrs))
        _in_transaction(samdb, lambda: [samdb.add(_attribute_message(samdb, row, schema_dn))
                                        for row in attrs])
    levels = {}
    for row in classes:
        levels.setdefault(class_level(plan, row), []).append(row)
    for level in sorted(levels):
        rows = levels[level]
        report("adding %d classes" % len(rows))
        _in_transaction(samdb, lambda: [samdb.add(_class_message(samdb, row, schema_dn))
                                        for row in rows])

    def finish():
        current = live_schema(samdb) if classes else live
        for name, change in values.items():
            msg = ldb.Message(current[name].dn)
            for attr, items in change.items():
                msg[attr] = ldb.MessageElement(items, ldb.FLAG_MOD_ADD, attr)
            samdb.modify(msg)
        for name, value in flags.items():
            msg = ldb.Message(current[name].dn)
            msg["searchFlags"] = ldb.MessageElement(str(value), ldb.FLAG_MOD_REPLACE,
                                                    "searchFlags")
            samdb.modify(msg)
    if values or flags:
        report("extending %d classes" % len(values))
        _in_transaction(samdb, finish)
    return len(attrs) + len(classes) + len(values) + len(flags)
