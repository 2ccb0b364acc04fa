#!/usr/bin/python3
#
# Turns the spec tables of idl/data/ into C: property tags and types
# ([MS-OXPROPS] section 2, [MS-OXCDATA] 2.11.1), named properties and their
# property sets ([MS-OXPROPS] 1.3.2 and section 2), error codes ([MS-OXCDATA]
# 2.4) and ROP ids ([MS-OXCROPS] 2.2.2).
#
# The build runs it with the system interpreter (/usr/bin/python3), so it
# uses the standard library only. Every run reads and checks every table, so
# a bad row fails the build whichever output make asked for first; the
# message names the file and line.
#
# Copyright (C) OpenChange developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate idl/gen_*.{h,c} from idl/data/*.tsv.

usage: gen_tables.py [--data DIR] OUTPUT...

Each OUTPUT is a path whose file name is one of gen_proptags.h,
gen_proptags.c, gen_namedprops.h, gen_namedprops.c, gen_errors.h,
gen_errors.c, gen_ropids.h, gen_ropids.c. Exit status 1 and one
"FILE:LINE: problem" line on stderr when the data is wrong.
"""

import argparse
import os
import re
import sys
import tempfile

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
GUID = re.compile(r"([0-9A-Fa-f]{8})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-"
                  r"([0-9A-Fa-f]{4})-([0-9A-Fa-f]{12})\Z")

# MS-OXCDATA 2.11.1.3: multi-valued types are the base type with 0x1000 set;
# 0x2000 marks a table column with one row per value of such a property.
MV_FLAG = 0x1000
MVI_FLAG = 0x2000

# The lookup code generated below uses these by name.
TYPES_THE_CODE_NEEDS = ("PtypUnspecified", "PtypErrorCode", "PtypString8",
                        "PtypString")

# MS-OXCDATA 2.4 sections, in the order a code shared by two of them is
# named: a ROP's ReturnValue is an error before it is anything else.
ERROR_CATEGORIES = {
    "error": ("2.4", "MAPI_E_"),
    "property_error": ("2.4.3", "MAPI_E_"),
    "additional_error": ("2.4.1", "EC_"),
    "warning": ("2.4.2", "MAPI_W_"),
}


class DataError(Exception):
    """A problem in one line of one input file."""

    def __init__(self, path, line, message):
        where = "%s:%d" % (path, line) if line > 0 else path
        super().__init__("%s: %s" % (where, message))


class Table:
    """The rows of one TSV file: one header line, tab-separated, no quoting."""

    def __init__(self, path, columns):
        self.path = path
        self.rows = []  # (line number, {column: cell})
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise DataError(path, 0, "cannot read: %s" % e.strerror)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DataError(path, raw[:e.start].count(b"\n") + 1, "not UTF-8")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines:
            raise DataError(path, 1, "empty file, expected a header line")
        header = lines[0].split("\t")
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataError(path, 1, "header lacks column(s) %s" % ", ".join(missing))
        if len(set(header)) != len(header):
            raise DataError(path, 1, "header names a column twice")
        for number, line in enumerate(lines[1:], start=2):
            if "\r" in line:
                raise DataError(path, number, "carriage return in line (CRLF file?)")
            if line.strip() == "":
                raise DataError(path, number, "empty line")
            cells = line.split("\t")
            if len(cells) != len(header):
                raise DataError(path, number, "%d cells, the header has %d columns"
                                % (len(cells), len(header)))
            self.rows.append((number, dict(zip(header, cells))))

    def error(self, line, message):
        return DataError(self.path, line, message)


def parse_hex(table, line, column, text, digits):
    if not re.fullmatch(r"0x[0-9A-Fa-f]{%d}" % digits, text):
        raise table.error(line, "%s '%s' is not 0x and %d hex digits" % (column, text, digits))
    return int(text[2:], 16)


def require_identifier(table, line, column, text, prefix=""):
    if not IDENTIFIER.match(text) or not text.startswith(prefix):
        what = "a C identifier" + (" starting with %s" % prefix if prefix else "")
        raise table.error(line, "%s '%s' is not %s" % (column, text, what))
    return text


def split_names(text):
    return [n.strip() for n in text.split(",") if n.strip()] if text else []


def snake_upper(name):
    """NotFound -> NOT_FOUND, InvalidEntryID -> INVALID_ENTRY_ID, FXBufferOverrun -> FX_BUFFER_OVERRUN."""
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0:
            before = name[i - 1]
            after = name[i + 1] if i + 1 < len(name) else ""
            if before.islower() or before.isdigit() or (before.isupper() and after.islower()):
                out.append("_")
        out.append(ch.upper())
    return "".join(out)


def c_string(text):
    """A C string literal; '?' is escaped so no trigraph can form."""
    out = ['"']
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '\\"?':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append("\\%03o" % byte)
    out.append('"')
    return "".join(out)


def c_comment(text):
    return text.replace("*/", "* /")


# --- reading and checking the tables -------------------------------------------

class PropType:
    def __init__(self, name, code, alternates, line):
        self.name, self.code, self.alternates, self.line = name, code, alternates, line


def read_proptypes(path):
    table = Table(path, ["name", "code", "alternate_names", "size", "multi_valued"])
    types, flags, seen = {}, {}, {}
    for line, row in table.rows:
        name = require_identifier(table, line, "name", row["name"])
        if name in seen:
            raise table.error(line, "duplicate type name '%s' (first at line %d)" % (name, seen[name]))
        seen[name] = line
        code = parse_hex(table, line, "code", row["code"], 4)
        size, mv = row["size"], row["multi_valued"]
        if not re.fullmatch(r"fixed:\d+|variable|n/a", size):
            raise table.error(line, "size '%s' is not fixed:N, variable or n/a" % size)
        if mv == "flag":
            if code not in (MV_FLAG, MVI_FLAG):
                raise table.error(line, "flag %s is neither 0x1000 nor 0x2000" % name)
            flags[name] = code
            continue
        if mv not in ("yes", "no"):
            raise table.error(line, "multi_valued '%s' is not yes, no or flag" % mv)
        if (mv == "yes") != bool(code & MV_FLAG):
            raise table.error(line, "%s: multi_valued %s disagrees with code 0x%04X" % (name, mv, code))
        types[name] = PropType(name, code, split_names(row["alternate_names"]), line)
    for name in TYPES_THE_CODE_NEEDS:
        if name not in types:
            raise table.error(1, "no type %s, which the generated lookups use" % name)
    if flags != {"MultiValue": MV_FLAG, "MultivalueInstance": MVI_FLAG}:
        raise table.error(1, "the flags must be MultiValue 0x1000 and MultivalueInstance 0x2000, "
                          "which the generated lookups use")
    # One name per code for mapi_proptype_name(): where two share a code
    # (PtypObject and PtypEmbeddedTable, 0x000D) the one with PT_* names wins.
    primary = {}
    for t in types.values():
        other = primary.get(t.code)
        if other is None or (t.alternates and not other.alternates):
            primary[t.code] = t
        elif bool(t.alternates) == bool(other.alternates):
            raise table.error(t.line, "%s and %s share code 0x%04X and neither is the primary"
                              % (other.name, t.name, t.code))
    return types, flags, primary


def check_type(table, line, row, types):
    name, code_text = row["type_name"], row["type_code"]
    if name not in types:
        raise table.error(line, "unknown type name '%s'" % name)
    code = parse_hex(table, line, "type_code", code_text, 4)
    if code != types[name].code:
        raise table.error(line, "type_code 0x%04X is not the code of %s (0x%04X)"
                          % (code, name, types[name].code))
    return code


class PropTag:
    def __init__(self, name, tag, type_name, line):
        self.name, self.tag, self.type_name, self.line = name, tag, type_name, line


def pr_name_tag(alternate, tag):
    """The tag an alternate PR_* name stands for, or None.

    PR_X_A and PR_X_W (and PR_X_A_MV/_W_MV) are the 8-bit and Unicode forms of
    a string property; the entry only says which type its canonical name has,
    so for a non-string entry the type of such a variant is unknown."""
    ptype = tag & 0xFFFF
    variant = re.fullmatch(r".*_([AW])(_MV)?", alternate)
    if not variant:
        return tag
    if (ptype & ~MV_FLAG) not in (0x001E, 0x001F):
        return None
    string_type = 0x001E if variant.group(1) == "A" else 0x001F
    return (tag & 0xFFFF0000) | (ptype & MV_FLAG) | string_type


def read_proptags(path, types, names_seen):
    table = Table(path, ["canonical_name", "property_id", "type_name", "type_code",
                         "alternate_names", "area"])
    tags, pr_names = [], {}
    for line, row in table.rows:
        name = require_identifier(table, line, "canonical_name", row["canonical_name"], "PidTag")
        if name in names_seen:
            raise table.error(line, "duplicate canonical name '%s' (first at %s)" % (name, names_seen[name]))
        names_seen[name] = "%s:%d" % (path, line)
        prop_id = parse_hex(table, line, "property_id", row["property_id"], 4)
        code = check_type(table, line, row, types)
        tag = prop_id << 16 | code
        tags.append(PropTag(name, tag, row["type_name"], line))
        for alternate in split_names(row["alternate_names"]):
            if not alternate.startswith("PR_"):
                continue
            require_identifier(table, line, "alternate name", alternate)
            if alternate in pr_names:
                raise table.error(line, "alternate name '%s' also belongs to line %d"
                                  % (alternate, pr_names[alternate][1]))
            pr_names[alternate] = (pr_name_tag(alternate, tag), line)
    return tags, {n: t for n, (t, _) in pr_names.items() if t is not None}


def parse_guid(table, line, column, text):
    m = GUID.match(text)
    if not m:
        raise table.error(line, "%s '%s' is not a GUID in registry form" % (column, text))
    d1, d2, d3, d4, d5 = (int(g, 16) for g in m.groups())
    return (d1, d2, d3, d4.to_bytes(2, "big"), d5.to_bytes(6, "big"))


class PropSet:
    def __init__(self, name, guid, claimed, line):
        self.name, self.guid, self.line = name, guid, line
        self.claimed = claimed  # named_properties_using_it
        self.used = 0  # rows of namedprops.tsv that name it


def read_propsets(path):
    table = Table(path, ["name", "guid", "area", "in_table_1_3_2", "named_properties_using_it"])
    sets, by_guid = {}, {}
    for line, row in table.rows:
        name = require_identifier(table, line, "name", row["name"])
        if name in sets:
            raise table.error(line, "duplicate property set '%s' (first at line %d)" % (name, sets[name].line))
        guid = parse_guid(table, line, "guid", row["guid"])
        if guid in by_guid:
            raise table.error(line, "GUID of %s is also %s's" % (name, by_guid[guid]))
        by_guid[guid] = name
        if not row["named_properties_using_it"].isdigit():
            raise table.error(line, "named_properties_using_it '%s' is not a number"
                              % row["named_properties_using_it"])
        sets[name] = PropSet(name, guid, int(row["named_properties_using_it"]), line)
    return sets


class NamedProp:
    def __init__(self, name, propset, kind, lid, prop_name, type_code, line):
        self.name, self.propset, self.kind = name, propset, kind
        self.lid, self.prop_name, self.type_code, self.line = lid, prop_name, type_code, line


def read_namedprops(path, types, propsets, names_seen, propsets_path):
    table = Table(path, ["canonical_name", "property_set_name", "property_set_guid", "kind",
                         "lid_or_name", "type_name", "type_code", "alternate_names", "area"])
    props = []
    for line, row in table.rows:
        name = require_identifier(table, line, "canonical_name", row["canonical_name"])
        kind = row["kind"]
        if kind not in ("lid", "name"):
            raise table.error(line, "kind '%s' is neither lid nor name" % kind)
        prefix = "PidLid" if kind == "lid" else "PidName"
        if not name.startswith(prefix):
            raise table.error(line, "a %s property's canonical name starts with %s: '%s'" % (kind, prefix, name))
        if name in names_seen:
            raise table.error(line, "duplicate canonical name '%s' (first at %s)" % (name, names_seen[name]))
        names_seen[name] = "%s:%d" % (path, line)
        set_name = row["property_set_name"]
        if set_name not in propsets:
            raise table.error(line, "property set '%s' is not in %s" % (set_name, propsets_path))
        propset = propsets[set_name]
        if parse_guid(table, line, "property_set_guid", row["property_set_guid"]) != propset.guid:
            raise table.error(line, "GUID %s is not the one %s gives %s"
                              % (row["property_set_guid"], propsets_path, set_name))
        propset.used += 1
        lid, prop_name = 0, None
        if kind == "lid":
            lid = parse_hex(table, line, "lid_or_name", row["lid_or_name"], 8)
        else:
            prop_name = row["lid_or_name"]
            if prop_name == "":
                raise table.error(line, "empty property name")
        code = check_type(table, line, row, types)
        props.append(NamedProp(name, propset, kind, lid, prop_name, code, line))
    for propset in propsets.values():
        if propset.used != propset.claimed:
            raise DataError(propsets_path, propset.line, "%s: named_properties_using_it says %d, %s has %d"
                            % (propset.name, propset.claimed, path, propset.used))
    return props


class ErrorCode:
    def __init__(self, name, value, category, meaning, line):
        self.name, self.value, self.category = name, value, category
        self.meaning, self.line = meaning, line
        self.identifier = None


def read_errorcodes(path, mapicode_path):
    table = Table(path, ["name", "value", "alternate_names", "category", "meaning"])
    codes, seen = [], {}
    for line, row in table.rows:
        name = require_identifier(table, line, "name", row["name"])
        category = row["category"]
        if category not in ERROR_CATEGORIES:
            raise table.error(line, "category '%s' is not one of %s" % (category, ", ".join(ERROR_CATEGORIES)))
        if (name, category) in seen:
            raise table.error(line, "duplicate %s '%s' (first at line %d)" % (category, name, seen[name, category]))
        seen[name, category] = line
        value = parse_hex(table, line, "value", row["value"], 8)
        code = ErrorCode(name, value, category, row["meaning"], line)
        # The spec's own alternate names win where it gives a MAPI one.
        prefix = ERROR_CATEGORIES[category][1]
        spec_names = [a for a in split_names(row["alternate_names"])
                      if prefix.startswith("MAPI_") and a.startswith(prefix)]
        code.identifier = spec_names[0] if spec_names else None
        codes.append(code)

    # The MAPI SDK's names (mapicode.h) for codes the spec lists, by value.
    sdk = Table(mapicode_path, ["name", "value"])
    sdk_seen = {}
    for line, row in sdk.rows:
        name = require_identifier(sdk, line, "name", row["name"])
        if not (name.startswith("MAPI_E_") or name.startswith("MAPI_W_")):
            raise sdk.error(line, "name '%s' is neither MAPI_E_* nor MAPI_W_*" % name)
        value = parse_hex(sdk, line, "value", row["value"], 8)
        if name in sdk_seen or value in sdk_seen.values():
            raise sdk.error(line, "name or value of '%s' listed twice" % name)
        sdk_seen[name] = value
        wanted = ("warning",) if name.startswith("MAPI_W_") else ("error", "property_error")
        matches = [c for c in codes if c.value == value and c.category in wanted]
        if not matches:
            raise sdk.error(line, "%s 0x%08X names no %s row of %s" % (name, value, " or ".join(wanted), path))
        for c in matches:
            if c.identifier is not None and c.identifier != name:
                raise sdk.error(line, "%s disagrees with the spec's alternate name %s (%s:%d)"
                                % (name, c.identifier, path, c.line))
            c.identifier = name

    owners = {}
    for c in codes:
        if c.identifier is None:
            c.identifier = ERROR_CATEGORIES[c.category][1] + snake_upper(c.name)
        owner = owners.get(c.identifier)
        if owner is not None and owner.value != c.value:
            raise table.error(c.line, "%s '%s' would be %s, already 0x%08X for %s (line %d)"
                              % (c.category, c.name, c.identifier, owner.value, owner.name, owner.line))
        owners.setdefault(c.identifier, c)
    return codes


def read_ropids(path):
    table = Table(path, ["name", "id"])
    by_name, by_id = {}, {}
    for line, row in table.rows:
        name = require_identifier(table, line, "name", row["name"], "Rop")
        if name in by_name:
            raise table.error(line, "duplicate ROP name '%s' (first at line %d)" % (name, by_name[name][1]))
        rop_id = parse_hex(table, line, "id", row["id"], 2)
        if rop_id in by_id:
            raise table.error(line, "RopId 0x%02X of %s is also %s's" % (rop_id, name, by_id[rop_id]))
        by_name[name] = (rop_id, line)
        by_id[rop_id] = name
    return sorted(by_id.items())


class Spec:
    """Every table, read and cross-checked."""

    def __init__(self, data):
        def p(name):
            return os.path.join(data, name)
        self.types, self.flags, self.primary_types = read_proptypes(p("proptypes.tsv"))
        names_seen = {}
        self.proptags, self.pr_names = read_proptags(p("proptags.tsv"), self.types, names_seen)
        self.propsets = read_propsets(p("propsets.tsv"))
        self.namedprops = read_namedprops(p("namedprops.tsv"), self.types, self.propsets,
                                          names_seen, p("propsets.tsv"))
        self.errors = read_errorcodes(p("errorcodes.tsv"), p("mapicode-names.tsv"))
        self.ropids = read_ropids(p("ropids.tsv"))


# --- writing C ---------------------------------------------------------------------

def banner(what, sources):
    return ("/*\n * %s\n *\n * Generated by idl/gen_tables.py from %s.\n"
            " * Do not edit: change the data or the generator.\n *\n"
            " * Copyright (C) OpenChange developers\n"
            " * SPDX-License-Identifier: GPL-3.0-or-later\n */\n" % (what, sources))


def guard(name):
    return "OPENCHANGE_IDL_%s_H" % name.upper()


def emit_proptags_h(spec):
    out = [banner("Property tags ([MS-OXPROPS] section 2, PidTag*) and property types\n"
                  " * ([MS-OXCDATA] 2.11.1).",
                  "idl/data/proptags.tsv and proptypes.tsv"),
           "#ifndef %s\n#define %s\n\n#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n"
           % (guard("gen_proptags"), guard("gen_proptags"))]
    out.append("""
/* A property tag ([MS-OXCDATA] 2.9) is the property id in the high 16 bits
 * and the property type in the low 16. */
#define MAPI_PROP_TAG(id, type) ((((uint32_t)(id) & 0xFFFFu) << 16) | ((uint32_t)(type) & 0xFFFFu))
#define MAPI_PROP_ID(tag) ((uint16_t)((uint32_t)(tag) >> 16))
#define MAPI_PROP_TYPE(tag) ((uint16_t)((uint32_t)(tag) & 0xFFFFu))

/* Property types, [MS-OXCDATA] 2.11.1. PtypObject and PtypEmbeddedTable share
 * 0x000D. */
""")
    for t in sorted(spec.types.values(), key=lambda t: (t.code, t.name)):
        alt = " /* %s */" % ", ".join(t.alternates) if t.alternates else ""
        out.append("#define %s 0x%04X%s\n" % (t.name, t.code, alt))
    out.append("\n/* [MS-OXCDATA] 2.11.1.3: the multi-valued form of a type sets 0x1000; a table\n"
               " * column with one row per value of a multi-valued property sets 0x2000 too. */\n")
    for name, code in sorted(spec.flags.items(), key=lambda f: f[1]):
        out.append("#define Ptyp%sFlag 0x%04X\n" % (name, code))
    out.append("\n/* Property tags of [MS-OXPROPS] section 2 (id << 16 | type). Some ids carry\n"
               " * two names, with different types (0x0E08 PidTagMessageSize and\n"
               " * PidTagMessageSizeExtended) or even the same type in the message-class\n"
               " * defined range 0x6800-0x7BFF (0x6841 PidTagScheduleInfoResourceType and\n"
               " * PidTagSearchFolderTemplateId). */\n")
    for t in spec.proptags:
        out.append("#define %s 0x%08X /* %s */\n" % (t.name, t.tag, t.type_name))
    out.append("""
struct mapi_proptag_info {
	const char *name;	/* canonical name, e.g. "PidTagSubject" */
	uint32_t proptag;
};

/* Every PidTag entry, sorted by tag, then name. */
#define MAPI_PROPTAGS_COUNT %d
extern const struct mapi_proptag_info mapi_proptags[MAPI_PROPTAGS_COUNT];

/*
 * The canonical name of a property tag, or NULL. A tag not listed as such
 * still gets the name a client means by it: the MultivalueInstance form (0x2000)
 * names the multi-valued property, the PtypString8 form the PtypString one and
 * vice versa, and PtypErrorCode (a property whose value is an error, e.g. in a
 * row) or PtypUnspecified (a request for any type) the property with that id.
 * Where several names share what is found, the first in mapi_proptags order
 * answers; mapi_proptag_names() gives them all. Any other type is another
 * property: NULL.
 */
const char *mapi_proptag_name(uint32_t proptag);

/* The names of exactly this tag (no fallback), at most max_names of them
 * stored in names; returns how many there are. */
size_t mapi_proptag_names(uint32_t proptag, const char **names, size_t max_names);

/*
 * The tag of a canonical name ("PidTagSubject") or of an alternate PR_* name
 * the spec lists ("PR_SUBJECT"). PR_X_A and PR_X_W give the PtypString8 and
 * PtypString forms of a string property; the _A/_W names of non-string entries
 * (PR_EMS_AB_MANAGER_A) are not known, since the spec gives no type for them.
 */
bool mapi_proptag_from_name(const char *name, uint32_t *proptag);

/* "PtypInteger32" for 0x0003, ...; 0x000D answers "PtypObject". NULL for
 * codes that are no type, including ones with the 0x2000 flag. */
const char *mapi_proptype_name(uint16_t proptype);

#endif
""" % len(spec.proptags))
    return "".join(out)


def emit_proptags_c(spec):
    by_tag = sorted(spec.proptags, key=lambda t: (t.tag, t.name.encode()))
    names = [(t.name, t.tag) for t in spec.proptags] + list(spec.pr_names.items())
    names.sort(key=lambda n: n[0].encode())
    out = [banner("Property tag lookups; see gen_proptags.h.", "idl/data/proptags.tsv and proptypes.tsv"),
           '#include "idl/gen_proptags.h"\n\n#include <string.h>\n\n',
           "const struct mapi_proptag_info mapi_proptags[MAPI_PROPTAGS_COUNT] = {\n"]
    out += ["\t{ %s, 0x%08X },\n" % (c_string(t.name), t.tag) for t in by_tag]
    out.append("};\n\n/* Canonical and PR_* names, in strcmp() order. */\n"
               "static const struct mapi_proptag_info proptags_by_name[] = {\n")
    out += ["\t{ %s, 0x%08X },\n" % (c_string(n), tag) for n, tag in names]
    out.append("};\n\nstatic const struct {\n\tuint16_t code;\n\tconst char *name;\n} proptypes[] = {\n")
    out += ["\t{ 0x%04X, %s },\n" % (code, c_string(t.name)) for code, t in sorted(spec.primary_types.items())]
    out.append("};\n")
    out.append("""
#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Index of the first entry whose tag is not below proptag. */
static size_t proptag_lower_bound(uint32_t proptag)
{
	size_t lo = 0, hi = MAPI_PROPTAGS_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mapi_proptags[mid].proptag < proptag) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static const char *proptag_exact(uint32_t proptag)
{
	size_t i = proptag_lower_bound(proptag);

	if (i < MAPI_PROPTAGS_COUNT && mapi_proptags[i].proptag == proptag) {
		return mapi_proptags[i].name;
	}
	return NULL;
}

const char *mapi_proptag_name(uint32_t proptag)
{
	uint16_t id = MAPI_PROP_ID(proptag);
	uint16_t type = MAPI_PROP_TYPE(proptag);
	const char *name = proptag_exact(proptag);
	size_t i;

	if (name != NULL) {
		return name;
	}
	if (type & PtypMultivalueInstanceFlag) {
		type = (uint16_t)((type & ~PtypMultivalueInstanceFlag) | PtypMultiValueFlag);
		name = proptag_exact(MAPI_PROP_TAG(id, type));
		if (name != NULL) {
			return name;
		}
	}
	if ((type & ~PtypMultiValueFlag) == PtypString8 || (type & ~PtypMultiValueFlag) == PtypString) {
		type ^= PtypString8 ^ PtypString;
		return proptag_exact(MAPI_PROP_TAG(id, type));
	}
	if (type == PtypErrorCode || type == PtypUnspecified) {
		i = proptag_lower_bound(MAPI_PROP_TAG(id, 0));
		if (i < MAPI_PROPTAGS_COUNT && MAPI_PROP_ID(mapi_proptags[i].proptag) == id) {
			return mapi_proptags[i].name;
		}
	}
	return NULL;
}

size_t mapi_proptag_names(uint32_t proptag, const char **names, size_t max_names)
{
	size_t i = proptag_lower_bound(proptag);
	size_t count = 0;

	for (; i < MAPI_PROPTAGS_COUNT && mapi_proptags[i].proptag == proptag; i++, count++) {
		if (count < max_names) {
			names[count] = mapi_proptags[i].name;
		}
	}
	return count;
}

bool mapi_proptag_from_name(const char *name, uint32_t *proptag)
{
	size_t lo = 0, hi = ARRAY_COUNT(proptags_by_name);

	if (name == NULL) {
		return false;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, proptags_by_name[mid].name);

		if (cmp == 0) {
			if (proptag != NULL) {
				*proptag = proptags_by_name[mid].proptag;
			}
			return true;
		}
		if (cmp < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return false;
}

const char *mapi_proptype_name(uint16_t proptype)
{
	size_t lo = 0, hi = ARRAY_COUNT(proptypes);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (proptypes[mid].code == proptype) {
			return proptypes[mid].name;
		}
		if (proptypes[mid].code < proptype) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}
""")
    return "".join(out)


def guid_init(guid):
    d1, d2, d3, d4, d5 = guid
    return ("{ 0x%08X, 0x%04X, 0x%04X, { %s }, { %s } }"
            % (d1, d2, d3, ", ".join("0x%02X" % b for b in d4), ", ".join("0x%02X" % b for b in d5)))


def guid_key(guid):
    d1, d2, d3, d4, d5 = guid
    return (d1, d2, d3, d4, d5)


def emit_namedprops_h(spec):
    out = [banner("Named properties ([MS-OXPROPS] section 2, PidLid* and PidName*) and\n"
                  " * their property sets ([MS-OXPROPS] 1.3.2).",
                  "idl/data/namedprops.tsv, propsets.tsv\n * and proptypes.tsv"),
           "#ifndef %s\n#define %s\n\n#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n"
           % (guard("gen_namedprops"), guard("gen_namedprops"))]
    out.append("""
/*
 * A GUID with the fields of Samba's struct GUID (librpc/idl/misc.idl), in the
 * same order and types: the *_INIT initializers below fit both, and code that
 * holds a struct GUID converts field by field. A type of our own keeps these
 * tables, and whoever uses them, free of Samba's headers.
 */
struct mapi_guid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi_and_version;
	uint8_t clock_seq[2];
	uint8_t node[6];
};

bool mapi_guid_equal(const struct mapi_guid *a, const struct mapi_guid *b);

/* Property sets, [MS-OXPROPS] 1.3.2 (PSETID_CalendarAssistant is used by
 * three PidLid entries but missing from that table). */
""")
    for s in sorted(spec.propsets.values(), key=lambda s: s.name):
        out.append("#define %s_INIT %s\n" % (s.name, guid_init(s.guid)))
    out.append("\n")
    for s in sorted(spec.propsets.values(), key=lambda s: s.name):
        out.append("extern const struct mapi_guid %s;\n" % s.name)
    out.append("""
struct mapi_propset_info {
	const char *name;		/* "PSETID_Task" */
	const struct mapi_guid *guid;
};

/* Sorted by GUID. */
#define MAPI_PROPSETS_COUNT %d
extern const struct mapi_propset_info mapi_propsets[MAPI_PROPSETS_COUNT];

/* "PSETID_Task" for its GUID, or NULL. */
const char *mapi_propset_name(const struct mapi_guid *guid);
/* The GUID of "PSETID_Task", or NULL. */
const struct mapi_guid *mapi_propset_by_name(const char *name);

/* The Kind of a PropertyName structure, [MS-OXCDATA] 2.6.1. */
enum mapi_namedprop_kind {
	MAPI_NAMEDPROP_LID = 0x00,
	MAPI_NAMEDPROP_NAME = 0x01,
};

struct mapi_namedprop_info {
	const char *canonical_name;	/* "PidLidTaskStatus" */
	const struct mapi_guid *propset;
	enum mapi_namedprop_kind kind;
	uint32_t lid;			/* MAPI_NAMEDPROP_LID only, else 0 */
	const char *name;		/* MAPI_NAMEDPROP_NAME only, else NULL */
	uint16_t proptype;		/* Ptyp* of gen_proptags.h */
};

/* Sorted by canonical name. */
#define MAPI_NAMEDPROPS_COUNT %d
extern const struct mapi_namedprop_info mapi_namedprops[MAPI_NAMEDPROPS_COUNT];

/*
 * The entry for (property set, LID) or (property set, name), or NULL. Names
 * compare exactly (case-sensitive); case folding a store applies, if any, is
 * the caller's. One key can have two canonical names (PS_PUBLIC_STRINGS
 * "urn:schemas:calendar:locationurl" is PidNameCalendarLocationUrl and
 * PidNameLocationUrl): the first in canonical-name order answers.
 */
const struct mapi_namedprop_info *mapi_namedprop_by_lid(const struct mapi_guid *propset, uint32_t lid);
const struct mapi_namedprop_info *mapi_namedprop_by_name(const struct mapi_guid *propset, const char *name);
const struct mapi_namedprop_info *mapi_namedprop_by_canonical_name(const char *canonical_name);

/* LIDs of the PidLid entries; property names of the PidName entries. */
""" % (len(spec.propsets), len(spec.namedprops)))
    for p in sorted(spec.namedprops, key=lambda p: p.name):
        if p.kind == "lid":
            out.append("#define %s 0x%08X /* %s */\n" % (p.name, p.lid, p.propset.name))
        else:
            out.append("#define %s %s /* %s */\n" % (p.name, c_string(p.prop_name), p.propset.name))
    out.append("\n#endif\n")
    return "".join(out)


def emit_namedprops_c(spec):
    props = sorted(spec.namedprops, key=lambda p: p.name.encode())
    index = {p.name: i for i, p in enumerate(props)}
    by_lid = sorted((p for p in props if p.kind == "lid"),
                    key=lambda p: (guid_key(p.propset.guid), p.lid, p.name.encode()))
    by_name = sorted((p for p in props if p.kind == "name"),
                     key=lambda p: (guid_key(p.propset.guid), p.prop_name.encode(), p.name.encode()))
    sets = sorted(spec.propsets.values(), key=lambda s: guid_key(s.guid))
    out = [banner("Named property lookups; see gen_namedprops.h.",
                  "idl/data/namedprops.tsv, propsets.tsv\n * and proptypes.tsv"),
           '#include "idl/gen_namedprops.h"\n\n#include <string.h>\n\n']
    for s in sorted(spec.propsets.values(), key=lambda s: s.name):
        out.append("const struct mapi_guid %s = %s_INIT;\n" % (s.name, s.name))
    out.append("\nconst struct mapi_propset_info mapi_propsets[MAPI_PROPSETS_COUNT] = {\n")
    out += ["\t{ %s, &%s },\n" % (c_string(s.name), s.name) for s in sets]
    out.append("};\n\nconst struct mapi_namedprop_info mapi_namedprops[MAPI_NAMEDPROPS_COUNT] = {\n")
    for p in props:
        if p.kind == "lid":
            out.append("\t{ %s, &%s, MAPI_NAMEDPROP_LID, 0x%08X, NULL, 0x%04X },\n"
                       % (c_string(p.name), p.propset.name, p.lid, p.type_code))
        else:
            out.append("\t{ %s, &%s, MAPI_NAMEDPROP_NAME, 0, %s, 0x%04X },\n"
                       % (c_string(p.name), p.propset.name, c_string(p.prop_name), p.type_code))
    out.append("};\n\n/* Indexes into mapi_namedprops, by (GUID, LID) and by (GUID, name). */\n")
    out.append("static const uint16_t namedprops_by_lid[] = {\n")
    out += ["\t%d,\t/* %s */\n" % (index[p.name], p.name) for p in by_lid]
    out.append("};\n\nstatic const uint16_t namedprops_by_name[] = {\n")
    out += ["\t%d,\t/* %s */\n" % (index[p.name], p.name) for p in by_name]
    out.append("};\n")
    out.append("""
#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The order the generator sorted by: the fields as numbers, then bytes. */
static int guid_compare(const struct mapi_guid *a, const struct mapi_guid *b)
{
	int cmp;

	if (a->time_low != b->time_low) {
		return a->time_low < b->time_low ? -1 : 1;
	}
	if (a->time_mid != b->time_mid) {
		return a->time_mid < b->time_mid ? -1 : 1;
	}
	if (a->time_hi_and_version != b->time_hi_and_version) {
		return a->time_hi_and_version < b->time_hi_and_version ? -1 : 1;
	}
	cmp = memcmp(a->clock_seq, b->clock_seq, sizeof(a->clock_seq));
	if (cmp != 0) {
		return cmp;
	}
	return memcmp(a->node, b->node, sizeof(a->node));
}

bool mapi_guid_equal(const struct mapi_guid *a, const struct mapi_guid *b)
{
	return a != NULL && b != NULL && guid_compare(a, b) == 0;
}

static int lid_key_compare(const struct mapi_guid *propset, uint32_t lid, const struct mapi_namedprop_info *p)
{
	int cmp = guid_compare(propset, p->propset);

	if (cmp != 0) {
		return cmp;
	}
	return lid < p->lid ? -1 : lid > p->lid ? 1 : 0;
}

static int name_key_compare(const struct mapi_guid *propset, const char *name, const struct mapi_namedprop_info *p)
{
	int cmp = guid_compare(propset, p->propset);

	return cmp != 0 ? cmp : strcmp(name, p->name);
}

/* Lower bound, so of two entries with one key the first answers. */
const struct mapi_namedprop_info *mapi_namedprop_by_lid(const struct mapi_guid *propset, uint32_t lid)
{
	size_t lo = 0, hi = ARRAY_COUNT(namedprops_by_lid);

	if (propset == NULL) {
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lid_key_compare(propset, lid, &mapi_namedprops[namedprops_by_lid[mid]]) > 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo < ARRAY_COUNT(namedprops_by_lid) &&
	    lid_key_compare(propset, lid, &mapi_namedprops[namedprops_by_lid[lo]]) == 0) {
		return &mapi_namedprops[namedprops_by_lid[lo]];
	}
	return NULL;
}

const struct mapi_namedprop_info *mapi_namedprop_by_name(const struct mapi_guid *propset, const char *name)
{
	size_t lo = 0, hi = ARRAY_COUNT(namedprops_by_name);

	if (propset == NULL || name == NULL) {
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (name_key_compare(propset, name, &mapi_namedprops[namedprops_by_name[mid]]) > 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo < ARRAY_COUNT(namedprops_by_name) &&
	    name_key_compare(propset, name, &mapi_namedprops[namedprops_by_name[lo]]) == 0) {
		return &mapi_namedprops[namedprops_by_name[lo]];
	}
	return NULL;
}

const struct mapi_namedprop_info *mapi_namedprop_by_canonical_name(const char *canonical_name)
{
	size_t lo = 0, hi = MAPI_NAMEDPROPS_COUNT;

	if (canonical_name == NULL) {
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(canonical_name, mapi_namedprops[mid].canonical_name);

		if (cmp == 0) {
			return &mapi_namedprops[mid];
		}
		if (cmp < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}

const char *mapi_propset_name(const struct mapi_guid *guid)
{
	size_t lo = 0, hi = MAPI_PROPSETS_COUNT;

	if (guid == NULL) {
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = guid_compare(guid, mapi_propsets[mid].guid);

		if (cmp == 0) {
			return mapi_propsets[mid].name;
		}
		if (cmp < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}

/* Eighteen sets, looked up by name only when text names one. */
const struct mapi_guid *mapi_propset_by_name(const char *name)
{
	size_t i;

	if (name == NULL) {
		return NULL;
	}
	for (i = 0; i < MAPI_PROPSETS_COUNT; i++) {
		if (strcmp(name, mapi_propsets[i].name) == 0) {
			return mapi_propsets[i].guid;
		}
	}
	return NULL;
}
""")
    return "".join(out)


def error_order(code):
    return list(ERROR_CATEGORIES).index(code.category)


def emit_errors_h(spec):
    out = [banner("MAPI status codes, [MS-OXCDATA] 2.4 (errors), 2.4.1 (additional errors),\n"
                  " * 2.4.2 (warnings) and 2.4.3 (property errors).",
                  "idl/data/errorcodes.tsv and mapicode-names.tsv"),
           "#ifndef %s\n#define %s\n\n#include <stddef.h>\n#include <stdint.h>\n"
           % (guard("gen_errors"), guard("gen_errors"))]
    out.append("""
/*
 * Names: the MAPI SDK's (mapicode.h) or the spec's MAPI_E_ / MAPI_W_ alternate
 * name where there is one (NotSupported is MAPI_E_NO_SUPPORT); otherwise a
 * prefix per section and the spec's name in capitals: MAPI_E_ for 2.4 and
 * 2.4.3, EC_ for the 2.4.1 additional errors, MAPI_W_ for 2.4.2 warnings.
 * So the two ServerBusy codes are MAPI_E_BUSY (0x8004010B) and EC_SERVER_BUSY
 * (0x00000480), and NotFound, in both 2.4 and 2.4.3, is one MAPI_E_NOT_FOUND.
 * Codes above 0x7FFFFFFF make this an unsigned enum: compare it with uint32_t.
 */
enum MAPISTATUS {
""")
    emitted = set()
    for category, (section, _) in ERROR_CATEGORIES.items():
        out.append("\t/* [MS-OXCDATA] %s */\n" % section)
        for c in (c for c in spec.errors if c.category == category):
            if c.identifier in emitted:
                continue
            emitted.add(c.identifier)
            out.append("\t%s = 0x%08X,\t/* %s */\n" % (c.identifier, c.value, c_comment(c.name)))
    out.append("""};

struct mapi_error_info {
	uint32_t code;
	const char *name;	/* "MAPI_E_NOT_FOUND" */
	const char *spec_name;	/* "NotFound" */
	const char *meaning;	/* the spec's description, or NULL if not transcribed */
};

/* One entry per code, sorted by code. Where sections share a code, the name
 * comes from 2.4, then 2.4.3, 2.4.1, 2.4.2 (0x000003EE is EC_BAD_CONFIGURATION
 * rather than the warning MAPI_W_ISAM_WARNING_BUFFER_TRUNCATED). */
#define MAPI_ERRORS_COUNT %d
extern const struct mapi_error_info mapi_errors[MAPI_ERRORS_COUNT];

/* The name of a code, or the fixed string "unknown MAPI error". */
const char *mapi_errstr(uint32_t code);

/* The name of a code, or "0x%%08X" of it written into buf (which should hold
 * MAPI_ERRSTR_BUFSIZE bytes; a shorter one gets a truncated answer). Returns
 * the name or buf; never allocates. */
#define MAPI_ERRSTR_BUFSIZE 11
const char *mapi_errstr_buf(uint32_t code, char *buf, size_t bufsize);

/* What the spec says the code means, or NULL (unknown code, or no description
 * transcribed, as for the warnings). */
const char *mapi_errdesc(uint32_t code);

#endif
""" % len(unique_error_codes(spec)))
    return "".join(out)


def unique_error_codes(spec):
    chosen = {}
    for c in sorted(spec.errors, key=error_order):
        chosen.setdefault(c.value, c)
    return [chosen[v] for v in sorted(chosen)]


def emit_errors_c(spec):
    out = [banner("MAPI status code names; see gen_errors.h.",
                  "idl/data/errorcodes.tsv and mapicode-names.tsv"),
           '#include "idl/gen_errors.h"\n\n#include <stdio.h>\n\n',
           "const struct mapi_error_info mapi_errors[MAPI_ERRORS_COUNT] = {\n"]
    for c in unique_error_codes(spec):
        meaning = c_string(c.meaning) if c.meaning else "NULL"
        out.append("\t{ 0x%08X, %s, %s, %s },\n" % (c.value, c_string(c.identifier), c_string(c.name), meaning))
    out.append("""};

static const struct mapi_error_info *error_lookup(uint32_t code)
{
	size_t lo = 0, hi = MAPI_ERRORS_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mapi_errors[mid].code == code) {
			return &mapi_errors[mid];
		}
		if (mapi_errors[mid].code < code) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

const char *mapi_errstr(uint32_t code)
{
	const struct mapi_error_info *e = error_lookup(code);

	return e != NULL ? e->name : "unknown MAPI error";
}

const char *mapi_errstr_buf(uint32_t code, char *buf, size_t bufsize)
{
	const struct mapi_error_info *e = error_lookup(code);

	if (e != NULL) {
		return e->name;
	}
	if (buf == NULL || bufsize == 0) {
		return "unknown MAPI error";
	}
	snprintf(buf, bufsize, "0x%08X", (unsigned int)code);
	return buf;
}

const char *mapi_errdesc(uint32_t code)
{
	const struct mapi_error_info *e = error_lookup(code);

	return e != NULL ? e->meaning : NULL;
}
""")
    return "".join(out)


def emit_ropids_h(spec):
    out = [banner("ROP ids, [MS-OXCROPS] 2.2.2.", "idl/data/ropids.tsv"),
           "#ifndef %s\n#define %s\n\n#include <stdint.h>\n" % (guard("gen_ropids"), guard("gen_ropids"))]
    out.append("""
/*
 * The RopId byte that starts every ROP request and response buffer. A
 * response carries its request's RopId, except RopGetMessageStatus (0x1F),
 * whose response has the RopSetMessageStatus layout and RopId 0x20
 * ([MS-OXCROPS] 2.2.6.9). Unlisted values are reserved.
 */
enum rop_id {
""")
    for rop_id, name in spec.ropids:
        out.append("\t%s = 0x%02X,\n" % (name, rop_id))
    out.append("""};

#define MAPI_ROPIDS_COUNT %d

/* "RopLogon" for 0xFE; NULL for a reserved value. */
const char *rop_name(uint8_t id);

#endif
""" % len(spec.ropids))
    return "".join(out)


def emit_ropids_c(spec):
    out = [banner("ROP names; see gen_ropids.h.", "idl/data/ropids.tsv"),
           '#include "idl/gen_ropids.h"\n\n#include <stddef.h>\n\n',
           "/* Indexed by RopId: one load, whatever the byte. */\n",
           "static const char *const rop_names[256] = {\n"]
    out += ["\t[0x%02X] = %s,\n" % (rop_id, c_string(name)) for rop_id, name in spec.ropids]
    out.append("""};

const char *rop_name(uint8_t id)
{
	return rop_names[id];
}
""")
    return "".join(out)


OUTPUTS = {
    "gen_proptags.h": emit_proptags_h,
    "gen_proptags.c": emit_proptags_c,
    "gen_namedprops.h": emit_namedprops_h,
    "gen_namedprops.c": emit_namedprops_c,
    "gen_errors.h": emit_errors_h,
    "gen_errors.c": emit_errors_c,
    "gen_ropids.h": emit_ropids_h,
    "gen_ropids.c": emit_ropids_c,
}


def write_atomically(path, text):
    """Replace path in one step, so an interrupted build never leaves half a file
    newer than its inputs."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".gen_tables.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv):
    parser = argparse.ArgumentParser(description="Generate C from the spec tables of idl/data/.")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"),
                        help="directory holding the .tsv files (default: data/ beside this script)")
    parser.add_argument("outputs", nargs="+", metavar="OUTPUT",
                        help="file to write; its name says which: " + ", ".join(OUTPUTS))
    args = parser.parse_args(argv)
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "gen_tables.py"
    for output in args.outputs:
        if os.path.basename(output) not in OUTPUTS:
            print("%s: cannot generate '%s': the file name must be one of %s"
                  % (prog, output, ", ".join(OUTPUTS)), file=sys.stderr)
            return 2
    try:
        spec = Spec(args.data)
    except DataError as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return 1
    for output in args.outputs:
        try:
            write_atomically(output, OUTPUTS[os.path.basename(output)](spec))
        except OSError as e:
            print("%s: cannot write %s: %s" % (prog, output, e.strerror), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
