"""ndr_print_* code: the pulled or built values as text, for debugging
and for Samba's NDR_PRINT_*_DEBUG macros."""
from .codegen import Writer, pointee, addr, is_bytes, c_string
from .cexpr import Scope, to_c


class Print:
    def __init__(self, scope, e):
        self.scope, self.e = scope, e

    def expr(self, tokens):
        return to_c(tokens, self.scope, self.e.where)

    def data(self, w, lv, name, v, switch):
        t = lv.type
        if t.kind == "prim":
            w("ndr_print_%s(ndr, %s, %s);" % (t.ndr, name, addr(v) if t.byref else v))
        elif t.kind in ("enum", "bitmap"):
            w("ndr_print_%s(ndr, %s, %s);" % (t.name, name, v))
        elif t.kind == "union":
            w("ndr_print_%s(ndr, %s, %s, %s);" % (t.name, name, switch, addr(v)))
        else:
            w("ndr_print_%s(ndr, %s, %s);" % (t.name, name, addr(v)))

    def level(self, w, levels, name, v, depth=0, switch=None):
        lv = levels[0]
        if lv.kind == "ptr":
            w("ndr_print_ptr(ndr, %s, %s);" % (name, v))
            w("ndr->depth++;")
            w.block("if (%s != NULL)" % v)
            self.level(w, levels[1:], name, pointee(levels[1:], v), depth + 1)
            w.end()
            w("ndr->depth--;")
        elif lv.kind == "string":
            w("ndr_print_string(ndr, %s, %s);" % (name, v))
        elif lv.kind == "array":
            count = str(lv.fixed) if lv.fixed is not None else \
                self.expr(lv.length or lv.size)
            if lv.fixed is None:
                # an empty array prints alike whether it is NULL or not
                w.block("if (%s == NULL && %s != 0)" % (v, count))
                w("ndr_print_null(ndr);")
                w.end("} else {")
                w.depth += 1
            if is_bytes(levels[1:]):
                data = v if lv.fixed is not None else \
                    '%s != NULL ? %s : (const uint8_t *)""' % (v, v)
                w("ndr_print_array_uint8(ndr, %s, %s, %s);" % (name, data, count))
            else:
                i = w.counter(self.e, depth)
                w('ndr->print(ndr, "%%s: ARRAY(%%u)", %s, (unsigned)%s);' % (name, count))
                w("ndr->depth++;")
                w.block("for (%s = 0; %s < %s; %s++)" % (i, i, count, i))
                w("char idx[16];")
                w('snprintf(idx, sizeof(idx), "[%%u]", (unsigned)%s);' % i)
                self.level(w, levels[1:], "idx", "%s[%s]" % (v, i), depth + 1)
                w.end()
                w("ndr->depth--;")
            if lv.fixed is None:
                w.end()
        else:
            self.data(w, lv, name, v, switch)


def finish(signature, w):
    return "\n".join([signature, "{"] + w.declarations() + w.lines + ["}", ""])


def struct_print(t, constants):
    scope = Scope.struct(t, constants)
    w = Writer()
    w('ndr_print_struct(ndr, name, "%s");' % t.name)
    w.block("if (r == NULL)")
    w("ndr_print_null(ndr);")
    w("return;")
    w.end()
    w("ndr->depth++;")
    for e in t.elements:
        sw = to_c(e.switch_is, scope, e.where) if e.switch_is else None
        Print(scope, e).level(w, e.levels, c_string(e.name), "r->%s" % e.name,
                              switch=sw)
    w("ndr->depth--;")
    return finish("void ndr_print_%s(struct ndr_print *ndr, const char *name, "
                  "const struct %s *r)" % (t.name, t.name), w)


def union_print(t, constants):
    from .ndrpush import case_labels
    w = Writer()
    w('ndr_print_union(ndr, name, level, "%s");' % t.name)
    w.block("switch (level)")
    for arm in t.arms:
        case_labels(w, arm, constants)
        if arm.element is not None:
            e = arm.element
            Print(Scope({}, constants), e).level(w, e.levels, c_string(e.name),
                                                 "r->%s" % e.name)
        w("break;")
        w.depth -= 1
    if not any(a.cases is None for a in t.arms):
        w("default:")
        w("\tndr_print_bad_level(ndr, name, level);")
    w.end()
    return finish("void ndr_print_%s(struct ndr_print *ndr, const char *name, "
                  "uint32_t level, const union %s *r)" % (t.name, t.name), w)


def scalar_print(t):
    w = Writer()
    if t.kind == "enum":
        w("const char *val = NULL;")
        w.block("switch (r)")
        for n, _ in t.values:
            w('case %s: val = "%s"; break;' % (n, n))
        w.end()
        w('ndr_print_enum(ndr, name, "ENUM", val, r);')
    else:
        w("ndr_print_%s(ndr, name, r);" % t.base.ndr)
        w("ndr->depth++;")
        for n, _ in t.values:
            w('ndr_print_bitmap_flag(ndr, sizeof(%s), "%s", %s, r);'
              % (t.base.ctype, n, n))
        w("ndr->depth--;")
    return finish("void ndr_print_%s(struct ndr_print *ndr, const char *name, "
                  "%s r)" % (t.name, t.ctype), w)


def function_print(fn, constants):
    w = Writer()
    w('ndr_print_struct(ndr, name, "%s");' % fn.name)
    w.block("if (r == NULL)")
    w("ndr_print_null(ndr);")
    w("return;")
    w.end()
    w("ndr->depth++;")
    w.block("if (flags & NDR_SET_VALUES)")
    w("ndr->flags |= LIBNDR_PRINT_SET_VALUES;")
    w.end()
    for direction, flag in (("in", "NDR_IN"), ("out", "NDR_OUT")):
        scope = Scope.function(fn, direction, constants)
        w.block("if (flags & %s)" % flag)
        w('ndr_print_struct(ndr, "%s", "%s");' % (direction, fn.name))
        w("ndr->depth++;")
        for p in fn.params:
            if direction in p.direction:
                Print(scope, p).level(w, p.levels, c_string(p.name),
                                      "r->%s.%s" % (direction, p.name))
        if direction == "out" and fn.result:
            w('ndr_print_uint32(ndr, "result", r->out.result);')
        w("ndr->depth--;")
        w.end()
    w("ndr->depth--;")
    return finish("void ndr_print_%s(struct ndr_print *ndr, const char *name, "
                  "int flags, const struct %s *r)" % (fn.name, fn.name), w)
