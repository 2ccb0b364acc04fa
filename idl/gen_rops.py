#!/usr/bin/python3
#
# Compiles idl/rops.def, the description of every ROP request and response
# buffer ([MS-OXCROPS] 2.2.3 to 2.2.15), into C: one struct per request and
# response, push and pull for each, and a dispatcher by RopId.
#
# The emitted pulls read through struct oxcdata_pull only, so every byte read
# is checked against what remains; every array pull checks its count against
# the bytes left (oxcdata_pull_check_count, with the element's smallest wire
# size) before it allocates. Neither check is written by hand per ROP: the
# description has no way to say "read without checking".
#
# It also emits printers (gen_rop_print.[ch]): one function per ROP request and
# response reporting every field by name through libmapi/rop_print.h.
#
# It can also emit test samples (--samples): for each ROP and form, bytes built
# from the description by this script's own encoder, so the C codec is checked
# against an independent reading of the same layout.
#
# Standard library only; the build runs it with /usr/bin/python3.
#
# Copyright (C) OpenChange developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate idl/gen_rops.{h,c} (and test samples) from idl/rops.def.

usage: gen_rops.py --def FILE OUTPUT...

OUTPUT file names: gen_rops.h, gen_rops.c, gen_rop_samples.h, gen_rop_print.h,
gen_rop_print.c.
Exit status 1 and "FILE:LINE: problem" on stderr when the description is wrong.
"""

import argparse
import os
import re
import struct
import sys
import tempfile

SCALARS = {"uint8": ("uint8_t", 1, "u8"), "uint16": ("uint16_t", 2, "u16"),
           "uint32": ("uint32_t", 4, "u32"), "uint64": ("uint64_t", 8, "u64")}
SIMPLE = ("guid", "string8", "utf16", "typed_string", "tagged_propval")
PARAMS = {"logon_private": "bool", "columns": "const struct mapi_tag_array *"}
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class DefError(Exception):
    def __init__(self, path, line, message):
        super().__init__("%s:%d: %s" % (path, line, message))


def snake(name):
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    return s + "_" if s in C_KEYWORDS else s


# C keywords a spec name can turn into (RopRestrict -> restrict).
C_KEYWORDS = {"auto", "break", "case", "char", "const", "continue", "default", "do", "double",
              "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
              "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
              "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool"}


def rop_snake(name):
    s = snake(name[3:] if name.startswith("Rop") else name)
    return s + "_" if s in C_KEYWORDS else s


# --- model -------------------------------------------------------------------

class Field:
    """One wire field. kind: a SCALARS key, guid, bytes, string8, utf16, str,
    typed_string, tagged_propval, restriction_opt, property_row or struct."""

    def __init__(self, kind, name, line, count=None, arg=None, struct_name=None, elem=None):
        self.kind = kind
        self.name = name
        self.line = line
        self.count = count      # array: int or field name; bytes: int, field, "rest"
        self.arg = arg          # str: condition; property_row: param name
        self.struct_name = struct_name
        self.elem = elem        # element Field of an array, else None

    @property
    def is_array(self):
        return self.elem is not None


class If:
    def __init__(self, cond, line):
        self.cond = cond
        self.body = []
        self.line = line


class Sized:
    def __init__(self, field, line):
        self.field = field
        self.body = []
        self.line = line


class Struct:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.body = []


class Form:
    def __init__(self, selector, name, cond, line):
        self.selector = selector    # "ok", "*" or an int
        self.name = name
        self.cond = cond            # None, "logon_private" or "!logon_private"
        self.body = []
        self.line = line


class Rop:
    def __init__(self, name, rop_id, section, line):
        self.name = name
        self.id = rop_id
        self.section = section
        self.line = line
        self.request = None         # None: no request; else list of nodes
        self.response = None        # None (no response), "raw" or handle field name
        self.forms = []


class Description:
    def __init__(self):
        self.structs = {}
        self.struct_order = []
        self.rops = []


TYPE_RE = re.compile(r"(?P<base>[A-Za-z_][A-Za-z0-9_]*\??)(?:\((?P<arg>[^)]*)\))?"
                     r"(?:\[(?P<count>[^\]]+)\])?(?:\((?P<arg2>[^)]*)\))?\Z")


def parse_field(desc, path, line, typ, name):
    if not IDENT.match(name):
        raise DefError(path, line, "bad field name %r" % name)
    m = TYPE_RE.match(typ)
    if not m:
        raise DefError(path, line, "bad type %r" % typ)
    base, arg, count = m.group("base"), m.group("arg"), m.group("count")
    if m.group("arg2") is not None:
        if arg is not None:
            raise DefError(path, line, "two arguments in %r" % typ)
        arg = m.group("arg2")
    if count is not None and not (count.isdigit() or IDENT.match(count)):
        raise DefError(path, line, "bad count %r" % count)
    cnt = int(count) if count is not None and count.isdigit() else count
    if base == "bytes":
        if cnt is None:
            raise DefError(path, line, "bytes needs [N]")
        return Field("bytes", name, line, count=cnt)
    if base in SCALARS or base in SIMPLE:
        kind = base
    elif base == "str":
        if not arg:
            raise DefError(path, line, "str needs (condition)")
        kind = "str"
    elif base == "restriction?":
        kind = "restriction_opt"
    elif base == "property_row":
        if arg not in PARAMS or arg != "columns":
            raise DefError(path, line, "property_row needs (columns)")
        kind = "property_row"
    elif base in desc.structs:
        kind = "struct"
    else:
        raise DefError(path, line, "unknown type %r" % base)
    elem = Field(kind, name, line, arg=arg, struct_name=base if kind == "struct" else None)
    if cnt is None:
        return elem
    if cnt == "rest":
        raise DefError(path, line, "only bytes may take [rest]")
    if kind == "restriction_opt":
        raise DefError(path, line, "no arrays of optional restrictions")
    return Field("array", name, line, count=cnt, elem=elem)


def parse(path):
    desc = Description()
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    cur_struct = None
    cur_rop = None
    stack = None        # list of node lists being filled (if/sized nesting)
    section = None      # "request", "form", "struct"
    for number, raw in enumerate(lines, start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        words = text.split()
        kw = words[0]
        if kw == "struct":
            if cur_struct or cur_rop or len(words) != 2 or not IDENT.match(words[1]):
                raise DefError(path, number, "bad struct line")
            if words[1] in desc.structs or words[1] in SCALARS:
                raise DefError(path, number, "%s defined twice" % words[1])
            cur_struct = Struct(words[1], number)
            stack = [cur_struct.body]
            section = "struct"
        elif kw == "rop":
            if cur_struct or cur_rop or len(words) != 4:
                raise DefError(path, number, "usage: rop RopName 0xID SECTION")
            if not re.match(r"0x[0-9A-Fa-f]{2}\Z", words[2]):
                raise DefError(path, number, "bad RopId %r" % words[2])
            if not re.match(r"2\.2(\.\d+)+\Z", words[3]):
                raise DefError(path, number, "bad MS-OXCROPS section %r" % words[3])
            cur_rop = Rop(words[1], int(words[2], 16), words[3], number)
            section = None
        elif kw == "request":
            if not cur_rop or section is not None:
                raise DefError(path, number, "request outside a rop or twice")
            if words[1:] == ["none"]:
                section = "request_none"
                stack = None
            elif len(words) == 1:
                cur_rop.request = []
                stack = [cur_rop.request]
                section = "request"
            else:
                raise DefError(path, number, "bad request line")
        elif kw == "response":
            if not cur_rop or section not in ("request", "request_none") or len(words) != 2:
                raise DefError(path, number, "response must follow request")
            if stack is not None and len(stack) != 1:
                raise DefError(path, number, "unclosed if/sized")
            if words[1] == "none":
                cur_rop.response = None
            elif words[1] == "raw" or IDENT.match(words[1]):
                cur_rop.response = words[1]
            else:
                raise DefError(path, number, "bad response line")
            section = "response"
            stack = None
        elif kw == "form":
            if not cur_rop or section not in ("response", "form") or cur_rop.response is None:
                raise DefError(path, number, "form outside a response")
            if stack is not None and len(stack) != 1:
                raise DefError(path, number, "unclosed if/sized")
            if len(words) not in (3, 5):
                raise DefError(path, number, "usage: form SELECTOR Name [if [!]param]")
            sel = words[1]
            if sel not in ("ok", "*"):
                if not re.match(r"0x[0-9A-Fa-f]{8}\Z", sel):
                    raise DefError(path, number, "bad selector %r" % sel)
                sel = int(sel, 16)
            cond = None
            if len(words) == 5:
                if words[3] != "if" or words[4].lstrip("!") not in PARAMS:
                    raise DefError(path, number, "form condition must be [!]param")
                cond = words[4]
            if not IDENT.match(words[2]) or words[2] in [f.name for f in cur_rop.forms]:
                raise DefError(path, number, "bad or repeated form name")
            form = Form(sel, words[2], cond, number)
            cur_rop.forms.append(form)
            stack = [form.body]
            section = "form"
        elif kw == "end":
            if stack is not None and len(stack) != 1:
                raise DefError(path, number, "unclosed if/sized")
            if cur_struct:
                desc.structs[cur_struct.name] = cur_struct
                desc.struct_order.append(cur_struct)
                cur_struct = None
            elif cur_rop:
                if section not in ("response", "form"):
                    raise DefError(path, number, "rop without response line")
                if cur_rop.response == "raw" and not cur_rop.forms:
                    raise DefError(path, number, "raw response without form")
                desc.rops.append(cur_rop)
                cur_rop = None
            else:
                raise DefError(path, number, "end without struct or rop")
            stack = None
            section = None
        elif kw == "if":
            if stack is None:
                raise DefError(path, number, "if outside fields")
            node = If(text[2:].strip(), number)
            stack[-1].append(node)
            stack.append(node.body)
        elif kw == "endif":
            if stack is None or len(stack) < 2:
                raise DefError(path, number, "endif without if")
            stack.pop()
        elif kw == "sized":
            if stack is None or len(words) != 2:
                raise DefError(path, number, "usage: sized Field")
            node = Sized(words[1], number)
            sibling = [n for n in stack[-1] if isinstance(n, Field) and n.name == words[1]]
            if not sibling or sibling[0].kind not in ("uint8", "uint16", "uint32"):
                raise DefError(path, number, "sized needs an earlier integer field in the same block")
            stack[-1].append(node)
            stack.append(node.body)
        elif kw == "endsized":
            if stack is None or len(stack) < 2:
                raise DefError(path, number, "endsized without sized")
            stack.pop()
        else:
            if stack is None or len(words) != 2:
                raise DefError(path, number, "expected 'TYPE Name'")
            stack[-1].append(parse_field(desc, path, number, words[0], words[1]))
    if cur_struct or cur_rop:
        raise DefError(path, len(lines), "missing end")
    check(desc, path)
    return desc


def walk(nodes):
    for n in nodes:
        yield n
        if isinstance(n, (If, Sized)):
            yield from walk(n.body)


def check(desc, path):
    ids = {}
    names = set()
    for rop in desc.rops:
        if rop.id in ids:
            raise DefError(path, rop.line, "RopId 0x%02X already used by %s" % (rop.id, ids[rop.id]))
        if rop.name in names:
            raise DefError(path, rop.line, "%s described twice" % rop.name)
        ids[rop.id] = rop.name
        names.add(rop.name)
        blocks = []
        if rop.request is not None:
            blocks.append(rop.request)
        blocks += [f.body for f in rop.forms]
        for body in blocks:
            check_block(desc, path, body, [])
        if rop.response not in (None, "raw"):
            for form in rop.forms:
                if form.selector == "*" and form is not rop.forms[-1]:
                    raise DefError(path, form.line, "a * form must be the last")
    for s in desc.struct_order:
        check_block(desc, path, s.body, [])
        if min_size_block(desc, s.body) == 0:
            raise DefError(path, s.line, "a struct must take at least one byte")


def check_block(desc, path, body, seen, in_sized=False):
    seen = list(seen)
    for n in body:
        if isinstance(n, Field):
            if n.name in [s.name for s in seen]:
                raise DefError(path, n.line, "field %s repeated" % n.name)
            cnt = n.count
            if isinstance(cnt, str) and cnt != "rest":
                ref = [s for s in seen if s.name == cnt]
                if not ref or ref[0].kind not in SCALARS:
                    raise DefError(path, n.line, "count %s is not an earlier integer field" % cnt)
            if n.kind == "restriction_opt" and not in_sized:
                raise DefError(path, n.line, "restriction? needs a sized block (its end says absent)")
            seen.append(n)
        elif isinstance(n, If):
            check_block(desc, path, n.body, seen, in_sized)
            seen += [f for f in walk(n.body) if isinstance(f, Field)]
        else:
            check_block(desc, path, n.body, seen, True)
            seen += [f for f in walk(n.body) if isinstance(f, Field)]


def min_size(desc, f):
    if f.kind in SCALARS:
        return SCALARS[f.kind][1]
    if f.kind == "guid":
        return 16
    if f.kind == "bytes":
        return f.count if isinstance(f.count, int) else 0
    if f.kind in ("string8", "str", "typed_string", "property_row"):
        return 1
    if f.kind == "utf16":
        return 2
    if f.kind == "tagged_propval":
        return 4
    if f.kind == "restriction_opt":
        return 0
    if f.kind == "struct":
        return min_size_block(desc, desc.structs[f.struct_name].body)
    if f.kind == "array":
        return f.count * min_size(desc, f.elem) if isinstance(f.count, int) else 0
    raise AssertionError(f.kind)


def min_size_block(desc, body):
    return sum(min_size(desc, n) for n in body if isinstance(n, Field))


# --- C emission --------------------------------------------------------------

def ctype(desc, f):
    if f.kind in SCALARS:
        return SCALARS[f.kind][0]
    return {"guid": "struct mapi_guid", "string8": "char *", "utf16": "char *", "str": "char *",
            "typed_string": "struct mapi_typed_string", "tagged_propval": "struct mapi_propval",
            "restriction_opt": "struct mapi_restriction *",
            "property_row": "struct mapi_property_row"}.get(f.kind) or \
        "struct rop_%s" % snake(f.struct_name)


def decl(desc, f, indent):
    n = snake(f.name)
    pad = "\t" * indent
    if f.kind == "bytes":
        if isinstance(f.count, int):
            return ["%suint8_t %s[%d];" % (pad, n, f.count)]
        if f.count == "rest":
            return ["%ssize_t %s_size;" % (pad, n), "%suint8_t *%s;\t/* the rest of the buffer */" % (pad, n)]
        return ["%suint8_t *%s;\t/* %s bytes */" % (pad, n, f.count)]
    if f.kind == "array":
        t = ctype(desc, f.elem)
        star = "" if t.endswith("*") else " "
        if isinstance(f.count, int):
            return ["%s%s%s%s[%d];" % (pad, t, star, n, f.count)]
        return ["%s%s%s*%s;\t/* %s items */" % (pad, t, star, n, f.count)]
    t = ctype(desc, f)
    sep = "" if t.endswith("*") else " "
    return ["%s%s%s%s;" % (pad, t, sep, n)]


def struct_members(desc, body, indent):
    out = []
    for n in body:
        if isinstance(n, Field):
            out += decl(desc, n, indent)
        else:
            if isinstance(n, If):
                out.append("%s/* if %s: */" % ("\t" * indent, n.cond))
            out += struct_members(desc, n.body, indent)
    return out


class Scope:
    """Maps spec field names to C lvalues while emitting one block."""

    def __init__(self, prefix, params="params"):
        self.prefix = prefix
        self.names = {}
        self.params = params

    def add(self, f):
        self.names[f.name] = self.prefix + snake(f.name)

    def expr(self, cond):
        def sub(m):
            w = m.group(0)
            if w in self.names:
                return self.names[w]
            if w in PARAMS:
                return "%s->%s" % (self.params, w)
            if re.match(r"0x[0-9A-Fa-f]+|\d+", w):
                return w
            raise KeyError(w)
        return re.sub(r"0x[0-9A-Fa-f]+|[A-Za-z_][A-Za-z0-9_]*", sub, cond)


class Emitter:
    def __init__(self, desc):
        self.desc = desc
        self.depth = 0

    def pull_block(self, body, scope, cur, ind, path):
        out = []
        for n in body:
            if isinstance(n, Field):
                out += self.pull_field(n, scope.prefix + snake(n.name), scope, cur, ind, path)
                scope.add(n)
            elif isinstance(n, If):
                try:
                    cond = scope.expr(n.cond)
                except KeyError as e:
                    raise DefError(path, n.line, "unknown name %s in condition" % e)
                out.append("%sif (%s) {" % ("\t" * ind, cond))
                out += self.pull_block(n.body, scope, cur, ind + 1, path)
                out.append("%s}" % ("\t" * ind))
            else:
                t = "\t" * ind
                size = scope.names[n.field]
                sub = "sub%d" % ind
                out += ["%s{" % t,
                        "%s\tconst uint8_t *%s_data;" % (t, sub),
                        "%s\tstruct oxcdata_pull %s;" % (t, sub),
                        "%s\tROP_TRY(oxcdata_pull_bytes(%s, %s, &%s_data));" % (t, cur, size, sub),
                        "%s\toxcdata_pull_init(&%s, %s_data, %s);" % (t, sub, sub, size),
                        "%s\t%s.depth = %s->depth;" % (t, sub, cur)]
                out += self.pull_block(n.body, scope, "&" + sub, ind + 1, path)
                out += ["%s\tif (oxcdata_pull_left(&%s) != 0) {" % (t, sub),
                        "%s\t\treturn WIRE_ERR_BAD_SIZE;" % t,
                        "%s\t}" % t,
                        "%s}" % t]
        return out

    def pull_field(self, f, lv, scope, cur, ind, path):
        t = "\t" * ind
        k = f.kind
        if k in SCALARS:
            return ["%sROP_TRY(oxcdata_pull_%s(%s, &%s));" % (t, SCALARS[k][2], cur, lv)]
        if k == "guid":
            return ["%sROP_TRY(rop_pull_fixed(%s, %s.bytes, 16));" % (t, cur, lv)]
        if k == "bytes":
            if isinstance(f.count, int):
                return ["%sROP_TRY(rop_pull_fixed(%s, %s, %d));" % (t, cur, lv, f.count)]
            if f.count == "rest":
                return ["%s%s_size = oxcdata_pull_left(%s);" % (t, lv, cur),
                        "%sROP_TRY(oxcdata_pull_copy(%s, mem_ctx, %s_size, &%s));" % (t, cur, lv, lv)]
            return ["%sROP_TRY(oxcdata_pull_copy(%s, mem_ctx, %s, &%s));" % (t, cur, scope.names[f.count], lv)]
        if k in ("string8", "utf16"):
            return ["%sROP_TRY(oxcdata_pull_%s(%s, mem_ctx, &%s));" % (t, k, cur, lv)]
        if k == "str":
            try:
                cond = scope.expr(f.arg)
            except KeyError as e:
                raise DefError(path, f.line, "unknown name %s in str()" % e)
            return ["%sif (%s) {" % (t, cond),
                    "%s\tROP_TRY(oxcdata_pull_utf16(%s, mem_ctx, &%s));" % (t, cur, lv),
                    "%s} else {" % t,
                    "%s\tROP_TRY(oxcdata_pull_string8(%s, mem_ctx, &%s));" % (t, cur, lv),
                    "%s}" % t]
        if k == "typed_string":
            return ["%sROP_TRY(oxcdata_typed_string_pull(%s, mem_ctx, &%s));" % (t, cur, lv)]
        if k == "tagged_propval":
            return ["%sROP_TRY(oxcdata_propval_pull_tagged(%s, mem_ctx, &%s));" % (t, cur, lv)]
        if k == "restriction_opt":
            return ["%s%s = NULL;" % (t, lv),
                    "%sif (oxcdata_pull_left(%s) > 0) {" % (t, cur),
                    "%s\tROP_TRY(oxcdata_restriction_pull(%s, mem_ctx, &%s));" % (t, cur, lv),
                    "%s}" % t]
        if k == "property_row":
            return ["%sif (params->columns == NULL) {" % t,
                    "%s\treturn WIRE_ERR_INVALID_ARG;\t/* rows need their columns */" % t,
                    "%s}" % t,
                    "%sROP_TRY(oxcdata_row_pull(%s, mem_ctx, params->columns, &%s));" % (t, cur, lv)]
        if k == "struct":
            return ["%sROP_TRY(rop_%s_pull(%s, mem_ctx, &%s, params));" % (t, snake(f.struct_name), cur, lv)]
        if k == "array":
            i = "i%d" % ind
            e = f.elem
            out = ["%s{" % t, "%s\tsize_t %s;" % (t, i)]
            if isinstance(f.count, int):
                count = str(f.count)
            else:
                count = scope.names[f.count]
                minsz = min_size(self.desc, e)
                assert minsz >= 1
                out += ["%s\t/* checked against the bytes left before allocating */" % t,
                        "%s\tROP_TRY(oxcdata_pull_check_count(%s, %s, %d));" % (t, cur, count, minsz),
                        "%s\t%s = NULL;" % (t, lv),
                        "%s\tif (%s > 0) {" % (t, count),
                        "%s\t\t%s = talloc_zero_array(mem_ctx, %s, %s);" % (t, lv, ctype(self.desc, e).rstrip(" *") + (" *" if ctype(self.desc, e).endswith("*") else ""), count),
                        "%s\t\tif (%s == NULL) {" % (t, lv),
                        "%s\t\t\treturn WIRE_ERR_NO_MEMORY;" % t,
                        "%s\t\t}" % t,
                        "%s\t}" % t]
            out.append("%s\tfor (%s = 0; %s < %s; %s++) {" % (t, i, i, count, i))
            out += self.pull_field(e, "%s[%s]" % (lv, i), scope, cur, ind + 2, path)
            out += ["%s\t}" % t, "%s}" % t]
            return out
        raise AssertionError(k)

    def push_block(self, body, scope, ind, path):
        out = []
        for n in body:
            if isinstance(n, Field):
                out += self.push_field(n, scope.prefix + snake(n.name), scope, ind, path)
                scope.add(n)
            elif isinstance(n, If):
                cond = scope.expr(n.cond)
                out.append("%sif (%s) {" % ("\t" * ind, cond))
                out += self.push_block(n.body, scope, ind + 1, path)
                out.append("%s}" % ("\t" * ind))
            else:
                t = "\t" * ind
                size_field = [f for f in body if isinstance(f, Field) and f.name == n.field][0]
                width = SCALARS[size_field.kind][1]
                out += ["%s{" % t, "%s\tsize_t start = push->len;" % t]
                out += self.push_block(n.body, scope, ind + 1, path)
                out += ["%s\tROP_TRY(rop_patch_size(push, off_%s, %d, push->len - start));"
                        % (t, snake(n.field), width),
                        "%s}" % t]
        return out

    def push_field(self, f, lv, scope, ind, path):
        t = "\t" * ind
        k = f.kind
        if k in SCALARS:
            out = []
            if getattr(f, "sized_target", False):
                out.append("%ssize_t off_%s = push->len;" % (t, snake(f.name)))
            return out + ["%sROP_TRY(oxcdata_push_%s(push, %s));" % (t, SCALARS[k][2], lv)]
        if k == "guid":
            return ["%sROP_TRY(oxcdata_push_bytes(push, %s.bytes, 16));" % (t, lv)]
        if k == "bytes":
            if isinstance(f.count, int):
                return ["%sROP_TRY(oxcdata_push_bytes(push, %s, %d));" % (t, lv, f.count)]
            n = "%s_size" % lv if f.count == "rest" else scope.names[f.count]
            return ["%sROP_TRY(rop_push_counted(push, %s, %s));" % (t, lv, n)]
        if k in ("string8", "utf16"):
            return ["%sROP_TRY(rop_push_%s(push, %s));" % (t, k, lv)]
        if k == "str":
            cond = scope.expr(f.arg)
            return ["%sif (%s) {" % (t, cond),
                    "%s\tROP_TRY(rop_push_utf16(push, %s));" % (t, lv),
                    "%s} else {" % t,
                    "%s\tROP_TRY(rop_push_string8(push, %s));" % (t, lv),
                    "%s}" % t]
        if k == "typed_string":
            return ["%sROP_TRY(oxcdata_typed_string_push(push, &%s));" % (t, lv)]
        if k == "tagged_propval":
            return ["%sROP_TRY(oxcdata_propval_push_tagged(push, &%s));" % (t, lv)]
        if k == "restriction_opt":
            return ["%sif (%s != NULL) {" % (t, lv),
                    "%s\tROP_TRY(oxcdata_restriction_push(push, %s));" % (t, lv),
                    "%s}" % t]
        if k == "property_row":
            return ["%sif (params->columns == NULL) {" % t,
                    "%s\treturn WIRE_ERR_INVALID_ARG;" % t,
                    "%s}" % t,
                    "%sROP_TRY(oxcdata_row_push(push, params->columns, &%s));" % (t, lv)]
        if k == "struct":
            return ["%sROP_TRY(rop_%s_push(push, &%s, params));" % (t, snake(f.struct_name), lv)]
        if k == "array":
            i = "i%d" % ind
            out = ["%s{" % t, "%s\tsize_t %s;" % (t, i)]
            if isinstance(f.count, int):
                count = str(f.count)
            else:
                count = scope.names[f.count]
                out += ["%s\tif (%s > 0 && %s == NULL) {" % (t, count, lv),
                        "%s\t\treturn WIRE_ERR_INVALID_ARG;" % t,
                        "%s\t}" % t]
            out.append("%s\tfor (%s = 0; %s < %s; %s++) {" % (t, i, i, count, i))
            out += self.push_field(f.elem, "%s[%s]" % (lv, i), scope, ind + 2, path)
            out += ["%s\t}" % t, "%s}" % t]
            return out
        raise AssertionError(k)


def mark_sized(body):
    for n in body:
        if isinstance(n, Sized):
            for f in body:
                if isinstance(f, Field) and f.name == n.field:
                    f.sized_target = True
            mark_sized(n.body)
        elif isinstance(n, If):
            mark_sized(n.body)


def form_cond(rop, form, rv):
    parts = []
    if form.selector == "ok":
        parts.append("%s == 0" % rv)
    elif isinstance(form.selector, int):
        parts.append("%s == 0x%08X" % (rv, form.selector))
    if form.cond:
        neg = form.cond.startswith("!")
        parts.append("%sparams->%s" % ("!" if neg else "", form.cond.lstrip("!")))
    return " && ".join(parts) if parts else "1"


def banner(what, src):
    return ("/* %s: generated by idl/gen_rops.py from %s (MS-OXCROPS 2.2). Do not edit. */\n"
            % (what, os.path.basename(src)))


def emit_h(desc, src):
    o = [banner("ROP request and response structures", src),
         "#ifndef IDL_GEN_ROPS_H", "#define IDL_GEN_ROPS_H", "",
         "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>",
         "#include <talloc.h>", '#include "idl/gen_ropids.h"', '#include "libmapi/oxcdata_buf.h"',
         '#include "libmapi/oxcdata_propval.h"', '#include "libmapi/oxcdata_restriction.h"',
         '#include "libmapi/oxcdata_row.h"', "",
         "/*",
         " * What the bytes of one ROP cannot tell (DESIGN.md decision 3): given per",
         " * ROP by the caller, never kept in globals.",
         " */",
         "struct rop_params {",
         "\t/* the logon (LogonId) was created with the Private flag: RopLogon's",
         "\t * response form, RopSetMessageReadFlag's and RopWritePerUserInformation's",
         "\t * request fields */",
         "\tbool logon_private;",
         "\t/* the columns of rows: RopSetColumns' tags for RopQueryRows, RopFindRow,",
         "\t * RopExpandRow and RopNotify's TableRowData (the table its",
         "\t * NotificationHandle names); the request's PropertyTags for",
         "\t * RopGetPropertiesSpecific */",
         "\tconst struct mapi_tag_array *columns;",
         "};", "",
         "/*",
         " * Supplies the params of the ROP at position (0-based) in a ROP list, whose",
         " * RopId and object are given. object is what names the ROP's object: the",
         " * LogonId of a request, the handle index of a response, and for the",
         " * responses without one (RopNotify, RopPending, RopBackoff,",
         " * RopBufferTooSmall) their first field, whole: RopNotify's 32-bit",
         " * NotificationHandle tells a client which table's columns its rows use.",
         " * Any error it returns stops the parse.",
         " */",
         "typedef enum wire_error (*rop_params_fn)(void *private_data, uint8_t rop_id, uint32_t object,",
         "\t\t\t\t\t size_t position, struct rop_params *params);",
         "struct rop_context {",
         "\trop_params_fn params;\t/* NULL: every ROP gets zeroed params */",
         "\tvoid *private_data;",
         "};", ""]
    for s in desc.struct_order:
        o.append("struct rop_%s {" % snake(s.name))
        o += struct_members(desc, s.body, 1)
        o += ["};", ""]
    for rop in desc.rops:
        sn = rop_snake(rop.name)
        o.append("/* %s (0x%02X), MS-OXCROPS %s */" % (rop.name, rop.id, rop.section))
        if rop.request is not None:
            o.append("struct rop_%s_request {" % sn)
            members = struct_members(desc, rop.request, 1)
            o += members or ["\tuint8_t unused;"]
            o += ["};"]
        if rop.response is not None:
            o.append("struct rop_%s_response {" % sn)
            if rop.response != "raw":
                o += ["\tuint8_t %s;" % snake(rop.response), "\tuint32_t return_value;"]
            if rop.forms:
                o.append("\tunion {")
                for form in rop.forms:
                    sel = {"ok": "ReturnValue 0", "*": "any other ReturnValue"}.get(
                        form.selector, "ReturnValue 0x%08X" % form.selector if isinstance(form.selector, int) else "")
                    if rop.response == "raw":
                        sel = "always"
                    if form.cond:
                        sel += ", %s" % form.cond
                    o.append("\t\tstruct {\t/* %s */" % sel)
                    o += struct_members(desc, form.body, 3) or ["\t\t\tuint8_t unused;"]
                    o.append("\t\t} %s;" % form.name)
                o.append("\t} u;")
            elif rop.response != "raw":
                pass
            o.append("};")
        o.append("")
    o += ["struct rop_request {", "\tuint8_t rop_id;\t/* enum rop_id */", "\tunion {"]
    o += ["\t\tstruct rop_%s_request %s;" % (rop_snake(r.name), rop_snake(r.name))
          for r in desc.rops if r.request is not None]
    o += ["\t} u;", "};", "", "struct rop_response {", "\tuint8_t rop_id;\t/* enum rop_id */", "\tunion {"]
    o += ["\t\tstruct rop_%s_response %s;" % (rop_snake(r.name), rop_snake(r.name))
          for r in desc.rops if r.response is not None]
    o += ["\t} u;", "};", ""]
    o += ["/* A RopsList: the ROPs of one ROP input or output buffer, in order. */",
          "struct rop_request_list {", "\tsize_t count;", "\tstruct rop_request *rops;", "};",
          "struct rop_response_list {", "\tsize_t count;", "\tstruct rop_response *rops;", "};", ""]
    for rop in desc.rops:
        sn = rop_snake(rop.name)
        for d in ("request", "response"):
            if (rop.request if d == "request" else rop.response) is None:
                continue
            o.append("enum wire_error rop_%s_%s_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,\n"
                     "\t\tstruct rop_%s_%s *r, const struct rop_params *params);" % (sn, d, sn, d))
            o.append("enum wire_error rop_%s_%s_push(struct oxcdata_push *push,\n"
                     "\t\tconst struct rop_%s_%s *r, const struct rop_params *params);" % (sn, d, sn, d))
    o += ["",
          "/* Whether the description has a request / response layout for rop_id. */",
          "bool rop_request_is_described(uint8_t rop_id);",
          "bool rop_response_is_described(uint8_t rop_id);", "",
          "/*",
          " * One ROP, RopId included. Allocations go under mem_ctx; a RopId the",
          " * description has no layout for is WIRE_ERR_BAD_VALUE.",
          " */",
          "enum wire_error rop_request_pull_one(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,",
          "\t\t\t\t     struct rop_request *r, const struct rop_params *params);",
          "enum wire_error rop_request_push_one(struct oxcdata_push *push, const struct rop_request *r,",
          "\t\t\t\t     const struct rop_params *params);",
          "enum wire_error rop_response_pull_one(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,",
          "\t\t\t\t      struct rop_response *r, const struct rop_params *params);",
          "enum wire_error rop_response_push_one(struct oxcdata_push *push, const struct rop_response *r,",
          "\t\t\t\t      const struct rop_params *params);", "",
          "/*",
          " * A whole RopsList (the bytes between RopSize and the handle table). On",
          " * failure *out is empty and nothing is left allocated under mem_ctx; on",
          " * success out->rops is allocated under mem_ctx.",
          " */",
          "enum wire_error rop_requests_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,",
          "\t\t\t\t  const struct rop_context *ctx, struct rop_request_list *out);",
          "enum wire_error rop_requests_push(struct oxcdata_push *push, const struct rop_request_list *list,",
          "\t\t\t\t  const struct rop_context *ctx);",
          "enum wire_error rop_responses_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,",
          "\t\t\t\t   const struct rop_context *ctx, struct rop_response_list *out);",
          "enum wire_error rop_responses_push(struct oxcdata_push *push, const struct rop_response_list *list,",
          "\t\t\t\t   const struct rop_context *ctx);", "",
          "#endif", ""]
    return "\n".join(o)


C_HELPERS = r'''
#define ROP_TRY(expr) do { \
	enum wire_error rop_err_ = (expr); \
	if (rop_err_ != WIRE_OK) { \
		return rop_err_; \
	} \
} while (0)

static enum wire_error rop_pull_fixed(struct oxcdata_pull *pull, uint8_t *dst, size_t n)
{
	const uint8_t *p = NULL;

	ROP_TRY(oxcdata_pull_bytes(pull, n, &p));
	memcpy(dst, p, n);
	return WIRE_OK;
}

/* n bytes from p; p may be NULL only when n is 0. */
static enum wire_error rop_push_counted(struct oxcdata_push *push, const uint8_t *p, size_t n)
{
	if (n == 0) {
		return WIRE_OK;
	}
	if (p == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	return oxcdata_push_bytes(push, p, n);
}

static enum wire_error rop_push_string8(struct oxcdata_push *push, const char *s)
{
	return s == NULL ? WIRE_ERR_INVALID_ARG : oxcdata_push_string8(push, s);
}

static enum wire_error rop_push_utf16(struct oxcdata_push *push, const char *s)
{
	return s == NULL ? WIRE_ERR_INVALID_ARG : oxcdata_push_utf16(push, s);
}

/* Writes the size of a sized block into its size field, pushed earlier at off. */
static enum wire_error rop_patch_size(struct oxcdata_push *push, size_t off, unsigned width, size_t size)
{
	unsigned k;

	if (width < 8 && size >> (8 * width) != 0) {
		return WIRE_ERR_TOO_LARGE;
	}
	for (k = 0; k < width; k++) {
		push->data[off + k] = (uint8_t)(size >> (8 * k));
	}
	return WIRE_OK;
}
'''


def emit_c(desc, src):
    em = Emitter(desc)
    o = [banner("ROP push and pull", src),
         "#include <string.h>", "#include <talloc.h>", '#include "idl/gen_rops.h"', C_HELPERS]
    path = src
    for s in desc.struct_order:
        mark_sized(s.body)
    for rop in desc.rops:
        if rop.request:
            mark_sized(rop.request)
        for form in rop.forms:
            mark_sized(form.body)
    # helper structs: static pull/push (prototypes first: they may use each other)
    for s in desc.struct_order:
        sn = snake(s.name)
        o.append("static enum wire_error rop_%s_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,\n"
                 "\t\tstruct rop_%s *r, const struct rop_params *params);" % (sn, sn))
        o.append("static enum wire_error rop_%s_push(struct oxcdata_push *push,\n"
                 "\t\tconst struct rop_%s *r, const struct rop_params *params);" % (sn, sn))
    o.append("")
    for s in desc.struct_order:
        sn = snake(s.name)
        o += ["static enum wire_error rop_%s_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,\n"
              "\t\tstruct rop_%s *r, const struct rop_params *params)" % (sn, sn), "{"]
        o += em.pull_block(s.body, Scope("r->"), "pull", 1, path)
        o += ["\treturn WIRE_OK;", "}", ""]
        o += ["static enum wire_error rop_%s_push(struct oxcdata_push *push,\n"
              "\t\tconst struct rop_%s *r, const struct rop_params *params)" % (sn, sn), "{"]
        o += em.push_block(s.body, Scope("r->"), 1, path)
        o += ["\treturn WIRE_OK;", "}", ""]
    for rop in desc.rops:
        sn = rop_snake(rop.name)
        o.append("/* %s, MS-OXCROPS %s */" % (rop.name, rop.section))
        if rop.request is not None:
            o += ["enum wire_error rop_%s_request_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,\n"
                  "\t\tstruct rop_%s_request *r, const struct rop_params *params)" % (sn, sn), "{"]
            o += em.pull_block(rop.request, Scope("r->"), "pull", 1, path)
            o += ["\treturn WIRE_OK;", "}", ""]
            o += ["enum wire_error rop_%s_request_push(struct oxcdata_push *push,\n"
                  "\t\tconst struct rop_%s_request *r, const struct rop_params *params)" % (sn, sn), "{"]
            o += em.push_block(rop.request, Scope("r->"), 1, path)
            o += ["\treturn WIRE_OK;", "}", ""]
        if rop.response is None:
            continue
        o += ["enum wire_error rop_%s_response_pull(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,\n"
              "\t\tstruct rop_%s_response *r, const struct rop_params *params)" % (sn, sn), "{"]
        raw = rop.response == "raw"
        if not raw:
            o += ["\tROP_TRY(oxcdata_pull_u8(pull, &r->%s));" % snake(rop.response),
                  "\tROP_TRY(oxcdata_pull_u32(pull, &r->return_value));"]
        for i, form in enumerate(rop.forms):
            cond = "1" if raw else form_cond(rop, form, "r->return_value")
            o.append("\t%sif (%s) {" % ("" if i == 0 else "} else ", cond))
            o += em.pull_block(form.body, Scope("r->u.%s." % form.name), "pull", 2, path)
        if rop.forms:
            o.append("\t}")
        o += ["\treturn WIRE_OK;", "}", ""]
        o += ["enum wire_error rop_%s_response_push(struct oxcdata_push *push,\n"
              "\t\tconst struct rop_%s_response *r, const struct rop_params *params)" % (sn, sn), "{"]
        if not raw:
            o += ["\tROP_TRY(oxcdata_push_u8(push, r->%s));" % snake(rop.response),
                  "\tROP_TRY(oxcdata_push_u32(push, r->return_value));"]
        for i, form in enumerate(rop.forms):
            cond = "1" if raw else form_cond(rop, form, "r->return_value")
            o.append("\t%sif (%s) {" % ("" if i == 0 else "} else ", cond))
            o += em.push_block(form.body, Scope("r->u.%s." % form.name), 2, path)
        if rop.forms:
            o.append("\t}")
        o += ["\treturn WIRE_OK;", "}", ""]
    # dispatchers
    for d in ("request", "response"):
        has = [r for r in desc.rops if (r.request if d == "request" else r.response) is not None]
        o += ["bool rop_%s_is_described(uint8_t rop_id)" % d, "{", "\tswitch (rop_id) {"]
        o += ["\tcase %s:" % r.name for r in has]
        o += ["\t\treturn true;", "\tdefault:", "\t\treturn false;", "\t}", "}", ""]
        o += ["enum wire_error rop_%s_pull_one(struct oxcdata_pull *pull, TALLOC_CTX *mem_ctx,\n"
              "\t\tstruct rop_%s *r, const struct rop_params *params)" % (d, d), "{",
              "\tROP_TRY(oxcdata_pull_u8(pull, &r->rop_id));", "\tswitch (r->rop_id) {"]
        for r in has:
            sn = rop_snake(r.name)
            o += ["\tcase %s:" % r.name,
                  "\t\treturn rop_%s_%s_pull(pull, mem_ctx, &r->u.%s, params);" % (sn, d, sn)]
        o += ["\tdefault:", "\t\treturn WIRE_ERR_BAD_VALUE;", "\t}", "}", ""]
        o += ["enum wire_error rop_%s_push_one(struct oxcdata_push *push, const struct rop_%s *r,\n"
              "\t\tconst struct rop_params *params)" % (d, d), "{",
              "\tswitch (r->rop_id) {"]
        for r in has:
            sn = rop_snake(r.name)
            o += ["\tcase %s:" % r.name,
                  "\t\tROP_TRY(oxcdata_push_u8(push, r->rop_id));",
                  "\t\treturn rop_%s_%s_push(push, &r->u.%s, params);" % (sn, d, sn)]
        o += ["\tdefault:", "\t\treturn WIRE_ERR_INVALID_ARG;", "\t}", "}", ""]
    o += emit_object_helpers(desc)
    o.append(LIST_CODE % {"list_pull": "\n".join(
        LIST_PULL_TEMPLATE % {"kind": k} for k in ("request", "response"))})
    return "\n".join(o)


def emit_object_helpers(desc):
    """What rop_params_fn gets as object: from the struct (push) and from the
    bytes (pull, which has not decoded the ROP yet)."""
    o = ["/* The object of a ROP as rop_params_fn sees it, from the struct. */",
         "static uint32_t rop_request_object(const struct rop_request *r)", "{",
         "\tswitch (r->rop_id) {"]
    for rop in desc.rops:
        if rop.request is None:
            continue
        first = rop.request[0] if rop.request else None
        if not isinstance(first, Field) or first.kind != "uint8":
            raise DefError("rops.def", rop.line, "a request must start with a uint8 (LogonId)")
        o += ["\tcase %s:" % rop.name,
              "\t\treturn r->u.%s.%s;" % (rop_snake(rop.name), snake(first.name))]
    o += ["\tdefault:", "\t\treturn 0;", "\t}", "}", "",
          "static uint32_t rop_response_object(const struct rop_response *r)", "{",
          "\tswitch (r->rop_id) {"]
    widths = {}
    for rop in desc.rops:
        if rop.response is None:
            continue
        sn = rop_snake(rop.name)
        if rop.response != "raw":
            o += ["\tcase %s:" % rop.name, "\t\treturn r->u.%s.%s;" % (sn, snake(rop.response))]
            continue
        form = rop.forms[0]
        first = form.body[0] if form.body else None
        if not isinstance(first, Field) or first.kind not in SCALARS or first.kind == "uint64":
            raise DefError("rops.def", rop.line, "a raw response must start with an integer of 1 to 4 bytes")
        widths[rop.name] = SCALARS[first.kind][1]
        o += ["\tcase %s:" % rop.name,
              "\t\treturn r->u.%s.u.%s.%s;" % (sn, form.name, snake(first.name))]
    o += ["\tdefault:", "\t\treturn 0;", "\t}", "}", "",
          "/* The same from the bytes of a ROP (head[0] is its RopId); 0 when cut short. */",
          "static uint32_t rop_request_peek_object(const uint8_t *head, size_t left)", "{",
          "\treturn left > 1 ? head[1] : 0;", "}", "",
          "static uint32_t rop_response_peek_object(const uint8_t *head, size_t left)", "{",
          "\tsize_t width = 1, i;", "\tuint32_t v = 0;", "", "\tswitch (head[0]) {"]
    for name, w in widths.items():
        if w != 1:
            o += ["\tcase %s:" % name, "\t\twidth = %d;" % w, "\t\tbreak;"]
    o += ["\tdefault:", "\t\tbreak;", "\t}",
          "\tif (left < 1 + width) {", "\t\treturn 0;", "\t}",
          "\tfor (i = 0; i < width; i++) {", "\t\tv |= (uint32_t)head[1 + i] << (8 * i);", "\t}",
          "\treturn v;", "}", ""]
    return o


LIST_CODE = r'''
static enum wire_error rop_get_params(const struct rop_context *ctx, uint8_t rop_id, uint32_t object,
				      size_t position, struct rop_params *params)
{
	memset(params, 0, sizeof(*params));
	if (ctx == NULL || ctx->params == NULL) {
		return WIRE_OK;
	}
	return ctx->params(ctx->private_data, rop_id, object, position, params);
}

'''

LIST_PULL_TEMPLATE = r'''enum wire_error rop_%(kind)ss_pull(TALLOC_CTX *mem_ctx, const uint8_t *data, size_t len,
				   const struct rop_context *ctx, struct rop_%(kind)s_list *out)
{
	struct oxcdata_pull pull;
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct rop_%(kind)s *rops = NULL;
	size_t count = 0, alloc = 0;
	enum wire_error err = WIRE_OK;

	out->count = 0;
	out->rops = NULL;
	if (tmp == NULL) {
		return WIRE_ERR_NO_MEMORY;
	}
	oxcdata_pull_init(&pull, data, len);
	while (oxcdata_pull_left(&pull) > 0) {
		struct rop_params params;
		const uint8_t *head = data + pull.offset;

		if (count == alloc) {
			/* each ROP takes at least one byte: never more than len */
			size_t next = alloc == 0 ? 8 : alloc * 2;
			struct rop_%(kind)s *grown = talloc_realloc(tmp, rops, struct rop_%(kind)s, next);
			if (grown == NULL) {
				err = WIRE_ERR_NO_MEMORY;
				goto fail;
			}
			rops = grown;
			alloc = next;
		}
		memset(&rops[count], 0, sizeof(rops[count]));
		err = rop_get_params(ctx, head[0], rop_%(kind)s_peek_object(head, oxcdata_pull_left(&pull)),
				     count, &params);
		if (err != WIRE_OK) {
			goto fail;
		}
		err = rop_%(kind)s_pull_one(&pull, rops, &rops[count], &params);
		if (err != WIRE_OK) {
			goto fail;
		}
		count++;
	}
	if (rops != NULL) {
		rops = talloc_realloc(tmp, rops, struct rop_%(kind)s, count);
		talloc_steal(mem_ctx, rops);
	}
	talloc_free(tmp);
	out->count = count;
	out->rops = rops;
	return WIRE_OK;
fail:
	talloc_free(tmp);
	return err;
}
'''

# The push side gives rop_params_fn the same object, taken from the struct.
LIST_CODE += r'''
%(list_pull)s

enum wire_error rop_requests_push(struct oxcdata_push *push, const struct rop_request_list *list,
				  const struct rop_context *ctx)
{
	size_t i;

	if (list->count > 0 && list->rops == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	for (i = 0; i < list->count; i++) {
		struct rop_params params;

		ROP_TRY(rop_get_params(ctx, list->rops[i].rop_id,
				       rop_request_object(&list->rops[i]), i, &params));
		ROP_TRY(rop_request_push_one(push, &list->rops[i], &params));
	}
	return WIRE_OK;
}

enum wire_error rop_responses_push(struct oxcdata_push *push, const struct rop_response_list *list,
				   const struct rop_context *ctx)
{
	size_t i;

	if (list->count > 0 && list->rops == NULL) {
		return WIRE_ERR_INVALID_ARG;
	}
	for (i = 0; i < list->count; i++) {
		struct rop_params params;

		ROP_TRY(rop_get_params(ctx, list->rops[i].rop_id,
				       rop_response_object(&list->rops[i]), i, &params));
		ROP_TRY(rop_response_push_one(push, &list->rops[i], &params));
	}
	return WIRE_OK;
}
'''


# --- printers ------------------------------------------------------------------
#
# One print function per struct, request and response, walking the decoded
# struct in wire order through the emitter of libmapi/rop_print.h, which owns
# the output style (text or JSON) and the MS-OXCDATA types. Conditions and
# form choices are the pull's, so a printer shows exactly what was decoded.
# How an integer is shown follows its spec name, so the description stays
# free of presentation hints.

TAG_NAME = re.compile(r"(Tag|Tags|Columns)\Z")
ERR_NAME = re.compile(r"(ReturnValue|ErrorCode)\Z")
HEX_NAME = re.compile(r"(Flags?|Id|ID|Ids|Mask|State|Status|Options|Type|Guid)\Z")


def print_scalar(f, lv, name):
    width = SCALARS[f.kind][1]
    if width == 4 and TAG_NAME.search(f.name):
        return "rop_print_proptag(p, %s, %s);" % (name, lv)
    if width == 4 and ERR_NAME.search(f.name):
        return "rop_print_errcode(p, %s, %s);" % (name, lv)
    if width == 1 and f.name.startswith("RopId"):
        return "rop_print_ropid(p, %s, %s);" % (name, lv)
    hexw = 2 * width if width == 8 or HEX_NAME.search(f.name) else 0
    return "rop_print_uint(p, %s, %s, %d);" % (name, lv, hexw)


class PrintEmitter:
    def __init__(self, desc, path):
        self.desc = desc
        self.path = path

    def block(self, body, scope, ind):
        out = []
        t = "\t" * ind
        for n in body:
            if isinstance(n, Field):
                out += self.field(n, scope.prefix + snake(n.name), '"%s"' % n.name, scope, ind)
                scope.add(n)
            elif isinstance(n, If):
                out.append("%sif (%s) {" % (t, scope.expr(n.cond)))
                out += self.block(n.body, scope, ind + 1)
                out.append("%s}" % t)
            else:
                out += self.block(n.body, scope, ind)
        return out

    def field(self, f, lv, name, scope, ind):
        t = "\t" * ind
        k = f.kind
        if k in SCALARS:
            return [t + print_scalar(f, lv, name)]
        if k == "guid":
            return ["%srop_print_guid(p, %s, &%s);" % (t, name, lv)]
        if k == "bytes":
            if isinstance(f.count, int):
                n = str(f.count)
            else:
                n = "%s_size" % lv if f.count == "rest" else scope.names[f.count]
            return ["%srop_print_bytes(p, %s, %s, %s);" % (t, name, lv, n)]
        if k in ("string8", "utf16", "str"):
            return ["%srop_print_str(p, %s, %s);" % (t, name, lv)]
        call = {"typed_string": "rop_print_typed_string(p, %s, &%s);",
                "tagged_propval": "rop_print_propval(p, %s, &%s);",
                "restriction_opt": "rop_print_restriction(p, %s, %s);",
                "property_row": "rop_print_row(p, %s, &%s);"}.get(k)
        if call:
            return [t + call % (name, lv)]
        if k == "struct":
            return ["%srop_%s_print(p, %s, &%s, params);" % (t, snake(f.struct_name), name, lv)]
        if k == "array":
            i = "i%d" % ind
            count = str(f.count) if isinstance(f.count, int) else scope.names[f.count]
            out = ["%s{" % t, "%s\tsize_t %s;" % (t, i), "",
                   "%s\trop_print_open(p, %s, true);" % (t, name)]
            guard = "" if isinstance(f.count, int) else " && %s != NULL" % lv
            out.append("%s\tfor (%s = 0; %s < %s%s; %s++) {" % (t, i, i, count, guard, i))
            out += self.field(f.elem, "%s[%s]" % (lv, i), "NULL", scope, ind + 2)
            out += ["%s\t}" % t, "%s\trop_print_close(p, true);" % t, "%s}" % t]
            return out
        raise AssertionError(k)


def emit_print_h(desc, src):
    o = [banner("ROP printers", src), "#ifndef IDL_GEN_ROP_PRINT_H", "#define IDL_GEN_ROP_PRINT_H", "",
         '#include "idl/gen_rops.h"', '#include "libmapi/rop_print.h"', "",
         "/*",
         " * Print one decoded ROP (RopId first, then every field by its spec name)",
         " * as an object named name (NULL inside an array). params must be those",
         " * it was pulled with: they choose the response form and conditional fields.",
         " */",
         "void rop_request_print(struct rop_print *p, const char *name, const struct rop_request *r,",
         "\t\t       const struct rop_params *params);",
         "void rop_response_print(struct rop_print *p, const char *name, const struct rop_response *r,",
         "\t\t\tconst struct rop_params *params);", "",
         "/* The same members without the enclosing object, for callers adding their own. */",
         "void rop_request_print_fields(struct rop_print *p, const struct rop_request *r,",
         "\t\t\t      const struct rop_params *params);",
         "void rop_response_print_fields(struct rop_print *p, const struct rop_response *r,",
         "\t\t\t       const struct rop_params *params);", "", "#endif", ""]
    return "\n".join(o)


def emit_print_c(desc, src):
    em = PrintEmitter(desc, src)
    o = [banner("ROP printers", src), "#include <stdbool.h>", '#include "idl/gen_rop_print.h"', ""]
    for s in desc.struct_order:
        o.append("static void rop_%s_print(struct rop_print *p, const char *name,\n"
                 "\t\tconst struct rop_%s *r, const struct rop_params *params);" % (snake(s.name), snake(s.name)))
    o.append("")
    for s in desc.struct_order:
        sn = snake(s.name)
        o += ["static void rop_%s_print(struct rop_print *p, const char *name,\n"
              "\t\tconst struct rop_%s *r, const struct rop_params *params)" % (sn, sn), "{",
              "\t(void)params;", "\trop_print_open(p, name, false);"]
        o += em.block(s.body, Scope("r->"), 1)
        o += ["\trop_print_close(p, false);", "}", ""]
    for rop in desc.rops:
        sn = rop_snake(rop.name)
        if rop.request is not None:
            o += ["static void rop_%s_request_print(struct rop_print *p,\n"
                  "\t\tconst struct rop_%s_request *r, const struct rop_params *params)" % (sn, sn), "{",
                  "\t(void)r;", "\t(void)params;"]
            o += em.block(rop.request, Scope("r->"), 1)
            o += ["}", ""]
        if rop.response is None:
            continue
        raw = rop.response == "raw"
        o += ["static void rop_%s_response_print(struct rop_print *p,\n"
              "\t\tconst struct rop_%s_response *r, const struct rop_params *params)" % (sn, sn), "{",
              "\t(void)params;"]
        if not raw:
            o += ['\trop_print_uint(p, "%s", r->%s, 0);' % (rop.response, snake(rop.response)),
                  '\trop_print_errcode(p, "ReturnValue", r->return_value);']
        forms = rop.forms[:1] if raw else rop.forms
        for i, form in enumerate(forms):
            cond = "1" if raw else form_cond(rop, form, "r->return_value")
            o.append("\t%sif (%s) {" % ("" if i == 0 else "} else ", cond))
            o += em.block(form.body, Scope("r->u.%s." % form.name), 2)
        if forms:
            o.append("\t}")
        o += ["}", ""]
    for d in ("request", "response"):
        has = [r for r in desc.rops if (r.request if d == "request" else r.response) is not None]
        o += ["void rop_%s_print_fields(struct rop_print *p, const struct rop_%s *r,\n"
              "\t\tconst struct rop_params *params)" % (d, d), "{",
              '\trop_print_ropid(p, "RopId", r->rop_id);', "\tswitch (r->rop_id) {"]
        for r in has:
            sn = rop_snake(r.name)
            o += ["\tcase %s:" % r.name,
                  "\t\trop_%s_%s_print(p, &r->u.%s, params);" % (sn, d, sn), "\t\tbreak;"]
        o += ["\tdefault:\t/* not described: nothing was pulled */", "\t\tbreak;", "\t}", "}", "",
              "void rop_%s_print(struct rop_print *p, const char *name, const struct rop_%s *r,\n"
              "\t\tconst struct rop_params *params)" % (d, d), "{",
              "\trop_print_open(p, name, false);",
              "\trop_%s_print_fields(p, r, params);" % d,
              "\trop_print_close(p, false);", "}", ""]
    return "\n".join(o)


# --- samples for the tests -----------------------------------------------------
#
# Bytes built here, from the description, by a separate encoder. Each scalar
# takes the variant's value v (0, 1 or 2), so counts are v, flags-as-conditions
# are v, and both sides of most conditions are covered across variants. Sizes
# of sized blocks are computed. The columns used for rows are the test's fixed
# set: PidTagMessageSize-like Integer32 0x0E080003 and a String 0x0037001F.

SAMPLE_COLUMNS = (0x0E080003, 0x0037001F)


def utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


class Sampler:
    def __init__(self, desc):
        self.desc = desc

    def block(self, body, v, env, params):
        chunks = []
        where = {}
        for n in body:
            if isinstance(n, Field):
                b, val = self.field(n, v, env, params)
                env[n.name] = val
                where[n.name] = len(chunks)
                chunks.append(b)
            elif isinstance(n, If):
                if self.cond(n.cond, env, params):
                    chunks.append(self.block(n.body, v, env, params))
            else:
                inner = self.block(n.body, v, env, params)
                f = [x for x in body if isinstance(x, Field) and x.name == n.field][0]
                chunks[where[n.field]] = len(inner).to_bytes(SCALARS[f.kind][1], "little")
                env[n.field] = len(inner)
                chunks.append(inner)
        return b"".join(chunks)

    def cond(self, text, env, params):
        expr = text.replace("&&", " and ").replace("||", " or ")
        expr = re.sub(r"!(?!=)", " not ", expr)
        names = dict(env)
        names.update(params)
        return bool(eval(expr, {"__builtins__": {}}, names))

    def field(self, f, v, env, params):
        k = f.kind
        if k in SCALARS:
            size = SCALARS[k][1]
            return v.to_bytes(size, "little"), v
        if k == "guid":
            return bytes(range(v, v + 16)), None
        if k == "bytes":
            n = f.count if isinstance(f.count, int) else (3 if f.count == "rest" else env[f.count])
            return bytes((0xA0 + i) & 0xFF for i in range(n)), None
        if k == "string8":
            return b"ab" [:v] + b"\0", None
        if k == "utf16":
            return utf16z("ab"[:v]), None
        if k == "str":
            return (utf16z("xy"[:v]) if self.cond(f.arg, env, params) else b"xy"[:v] + b"\0"), None
        if k == "typed_string":
            return {0: b"\x00", 1: b"\x02ab\0", 2: b"\x04" + utf16z("ab")}[v], None
        if k == "tagged_propval":
            if v == 2:
                return struct.pack("<I", 0x0037001F) + utf16z("pq"), None
            return struct.pack("<Ii", 0x66660003, v), None
        if k == "restriction_opt":
            return (b"" if v == 0 else b"\x08" + struct.pack("<I", 0x0E080003)), None
        if k == "property_row":
            if v == 2:     # a flagged row: a present value, then an error
                return b"\x01" + b"\x00" + struct.pack("<I", 7) + b"\x0a" + struct.pack("<I", 0x8004010F), None
            return b"\x00" + struct.pack("<I", v) + utf16z("r" * v), None
        if k == "struct":
            return self.block(self.desc.structs[f.struct_name].body, v, {}, params), None
        if k == "array":
            n = f.count if isinstance(f.count, int) else env[f.count]
            return b"".join(self.field(f.elem, v, env, params)[0] for _ in range(n)), None
        raise AssertionError(k)

    def has_rest(self, body):
        for n in walk(body):
            if isinstance(n, Field) and n.kind == "bytes" and n.count == "rest":
                return True
        return False


def emit_samples(desc, src):
    sm = Sampler(desc)
    rows = []
    for rop in desc.rops:
        for private in (False, True):
            params = {"logon_private": private, "columns": True}
            if rop.request is not None:
                for v in (0, 1, 2):
                    b = bytes([rop.id]) + sm.block(rop.request, v, {}, params)
                    rows.append((rop.name, "request", private, v, b, sm.has_rest(rop.request)))
            if rop.response is None:
                continue
            if rop.response == "raw":
                for v in (0, 1, 2):
                    b = bytes([rop.id]) + sm.block(rop.forms[0].body, v, {}, params)
                    rows.append((rop.name, "response", private, v, b, sm.has_rest(rop.forms[0].body)))
                continue
            for v in (0, 1, 2):
                seen = set()
                for form in rop.forms:
                    if form.cond and (form.cond.startswith("!") == private):
                        continue
                    rv = {"ok": 0, "*": 0x80004005}.get(form.selector, form.selector)
                    if rv in seen:
                        continue
                    seen.add(rv)
                    b = bytes([rop.id, 1]) + struct.pack("<I", rv) + sm.block(form.body, v, {}, params)
                    rows.append((rop.name, "response/" + form.name, private, v, b, False))
                if 0x80004005 not in seen:     # the plain error form: header only
                    b = bytes([rop.id, 1]) + struct.pack("<I", 0x80004005)
                    rows.append((rop.name, "response/error", private, v, b, False))
    o = [banner("test samples", src), "#ifndef IDL_GEN_ROP_SAMPLES_H", "#define IDL_GEN_ROP_SAMPLES_H", "",
         "struct rop_sample {", "\tconst char *rop;", "\tconst char *what;", "\tbool request;",
         "\tbool logon_private;", "\tint variant;", "\tbool has_rest;\t/* ends in bytes[rest] */",
         "\tsize_t len;", "\tconst uint8_t *bytes;", "};", "",
         "static const uint32_t rop_sample_columns[] = { 0x%08X, 0x%08X };" % SAMPLE_COLUMNS, ""]
    for i, (name, what, private, v, b, rest) in enumerate(rows):
        o.append("static const uint8_t rop_sample_%d[] = { %s };" % (i, ", ".join("0x%02X" % x for x in b)))
    o += ["", "static const struct rop_sample rop_samples[] = {"]
    for i, (name, what, private, v, b, rest) in enumerate(rows):
        o.append('\t{ "%s", "%s", %s, %s, %d, %s, %d, rop_sample_%d },'
                 % (name, what, "true" if what == "request" else "false", "true" if private else "false",
                    v, "true" if rest else "false", len(b), i))
    o += ["};", "", "#endif", ""]
    return "\n".join(o)


def write_atomic(path, text):
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".gen_rops.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    ap = argparse.ArgumentParser(description="Generate the ROP codec from idl/rops.def.")
    ap.add_argument("--def", dest="deffile", required=True)
    ap.add_argument("outputs", nargs="+")
    args = ap.parse_args(argv)
    try:
        desc = parse(args.deffile)
        texts = {"gen_rops.h": lambda: emit_h(desc, args.deffile),
                 "gen_rops.c": lambda: emit_c(desc, args.deffile),
                 "gen_rop_samples.h": lambda: emit_samples(desc, args.deffile),
                 "gen_rop_print.h": lambda: emit_print_h(desc, args.deffile),
                 "gen_rop_print.c": lambda: emit_print_c(desc, args.deffile)}
        for out in args.outputs:
            base = os.path.basename(out)
            if base not in texts:
                print("gen_rops.py: unknown output %s" % out, file=sys.stderr)
                return 1
            write_atomic(out, texts[base]())
    except DefError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print("gen_rops.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
