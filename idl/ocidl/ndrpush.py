"""NDR push (marshalling) code: NDR_SCALARS then NDR_BUFFERS for every
type, the parameters of each function in order for NDR_IN and NDR_OUT
(C706 chapter 14; MS-RPCE 2.2.5 for the NDR subset the specs use)."""
from .codegen import Writer, pointee, addr, needs_buffers, is_bytes
from .cexpr import Scope, to_c


class Push:
    def __init__(self, iface, scope, e):
        self.iface, self.scope, self.e = iface, scope, e

    def expr(self, tokens):
        return to_c(tokens, self.scope, self.e.where)

    def data(self, w, lv, flags, v, switch=None):
        t = lv.type
        if t.kind == "prim":
            if "NDR_SCALARS" in flags:
                w("NDR_CHECK(ndr_push_%s(ndr, NDR_SCALARS, %s));"
                  % (t.ndr, addr(v) if t.byref else v))
        elif t.kind in ("enum", "bitmap"):
            if "NDR_SCALARS" in flags:
                w("NDR_CHECK(ndr_push_%s(ndr, NDR_SCALARS, %s));" % (t.name, v))
        elif t.kind == "union":
            w("NDR_CHECK(ndr_push_%s(ndr, %s, %s, %s));"
              % (t.name, flags, switch, addr(v)))
        else:
            w("NDR_CHECK(ndr_push_%s(ndr, %s, %s));" % (t.name, flags, addr(v)))

    def counts(self, lv):
        if lv.fixed is not None:
            return str(lv.fixed), None
        size = self.expr(lv.size)
        return size, (self.expr(lv.length) if lv.length else None)

    def elements(self, w, levels, v, count, phase, depth):
        """Push count elements of an array, one phase."""
        if is_bytes(levels):
            if phase == "scalars":
                w("NDR_CHECK(ndr_push_array_uint8(ndr, NDR_SCALARS, %s, %s));"
                  % (v, count))
            return
        if phase == "buffers" and not needs_buffers(levels):
            return
        i = w.counter(self.e, depth)
        w.block("for (%s = 0; %s < %s; %s++)" % (i, i, count, i))
        getattr(self, phase)(w, levels, "%s[%s]" % (v, i), depth + 1)
        w.end()

    def scalars(self, w, levels, v, depth=0, switch=None):
        lv = levels[0]
        if lv.kind == "ptr":
            if lv.ptrkind == "unique":
                w("NDR_CHECK(ndr_push_unique_ptr(ndr, %s));" % v)
            else:
                self.null_check(w, v)
                w("NDR_CHECK(ndr_push_ref_ptr(ndr));")
        elif lv.kind == "array":
            size, length = self.counts(lv)
            if lv.fixed is None and length is not None:
                w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, 0));")
                w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, %s));" % length)
            count = length or size
            if lv.fixed is None:
                self.array_check(w, v, count)
            self.elements(w, levels[1:], v, count, "scalars", depth)
        else:
            self.data(w, lv, "NDR_SCALARS", v, switch)

    def buffers(self, w, levels, v, depth=0, switch=None):
        lv = levels[0]
        if lv.kind == "ptr":
            w.block("if (%s != NULL)" % v)
            self.referent(w, levels[1:], pointee(levels[1:], v), depth)
            w.end()
        elif lv.kind == "array":
            size, length = self.counts(lv)
            self.elements(w, levels[1:], v, length or size, "buffers", depth)
        elif lv.type.has_buffers:
            self.data(w, lv, "NDR_BUFFERS", v, switch)

    def referent(self, w, levels, v, depth=0):
        """What a pointer points to: its scalars and its buffers together."""
        lv = levels[0]
        if lv.kind == "array":
            size, length = self.counts(lv)
            w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, %s));" % size)
            if length is not None:
                w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, 0));")
                w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, %s));" % length)
            count = length or size
            self.array_check(w, v, count)
            self.elements(w, levels[1:], v, count, "scalars", depth)
            self.elements(w, levels[1:], v, count, "buffers", depth)
        elif lv.kind == "string":
            self.string(w, lv, v)
        elif lv.kind == "ptr":
            self.scalars(w, levels, v, depth)
            self.buffers(w, levels, v, depth)
        else:
            self.data(w, lv, "NDR_SCALARS|NDR_BUFFERS", v)

    def string(self, w, lv, v):
        """A conformant varying string: max count, offset 0, actual count
        (NUL included), the characters (C706 14.3.4)."""
        w.block("")
        if lv.charset == "CH_DOS":
            # 8-bit strings are bytes in the code page the protocol names
            # (MS-OXNSPI: the STAT's), not samba's dos charset: sent as is
            w("uint32_t _len = (uint32_t)strlen(%s) + 1;" % v)
        else:
            w("uint32_t _len = ndr_charset_length(%s, %s);" % (v, lv.charset))
        size = "_len"
        if lv.size is not None:
            w("uint32_t _size = %s;" % self.expr(lv.size))
            w.block("if (_size < _len)")
            w('return ndr_push_error(ndr, NDR_ERR_ARRAY_SIZE, "%s: string '
              'longer than its size_is");' % self.e.name)
            w.end()
            size = "_size"
        w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, %s));" % size)
        w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, 0));")
        w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, _len));")
        if lv.charset == "CH_DOS":
            w("NDR_CHECK(ndr_push_bytes(ndr, (const uint8_t *)%s, _len));" % v)
        else:
            w("NDR_CHECK(ndr_push_charset(ndr, NDR_SCALARS, %s, _len, %d, %s));"
              % (v, lv.width, lv.charset))
        w.end()

    def null_check(self, w, v):
        w.block("if (%s == NULL)" % v)
        w('return ndr_push_error(ndr, NDR_ERR_INVALID_POINTER, '
          '"%s: NULL [ref] pointer");' % self.e.name)
        w.end()

    def array_check(self, w, v, count):
        w.block("if (%s == NULL && %s != 0)" % (v, count))
        w('return ndr_push_error(ndr, NDR_ERR_INVALID_POINTER, '
          '"%s: NULL array with elements");' % self.e.name)
        w.end()

    def param(self, w, v):
        """A top-level parameter: a [ref] pointer has no wire form of its
        own; everything a parameter points to follows it at once."""
        levels = self.e.levels
        lv = levels[0]
        if lv.kind == "ptr" and lv.top and lv.ptrkind == "ref":
            self.null_check(w, v)
            self.referent(w, levels[1:], pointee(levels[1:], v))
        elif lv.kind == "array" and lv.fixed is None:
            self.referent(w, levels, v)
        else:
            self.scalars(w, levels, v)
            self.buffers(w, levels, v)


def struct_push(iface, t, constants):
    scope = Scope.struct(t, constants)
    w = Writer()
    w.block("if (ndr_flags & NDR_SCALARS)")
    if t.conformant:
        last = t.elements[-1]
        size = to_c(last.levels[0].size, scope, last.where)
        w("NDR_CHECK(ndr_push_uint3264(ndr, NDR_SCALARS, %s));" % size)
    w("NDR_CHECK(ndr_push_align(ndr, %d));" % t.align)
    for e in t.elements:
        sw = to_c(e.switch_is, scope, e.where) if e.switch_is else None
        Push(iface, scope, e).scalars(w, e.levels, "r->%s" % e.name, switch=sw)
    w("NDR_CHECK(ndr_push_trailer_align(ndr, %d));" % t.align)
    w.end()
    if t.has_buffers:
        w.block("if (ndr_flags & NDR_BUFFERS)")
        for e in t.elements:
            sw = to_c(e.switch_is, scope, e.where) if e.switch_is else None
            if needs_buffers(e.levels):
                Push(iface, scope, e).buffers(w, e.levels, "r->%s" % e.name,
                                              switch=sw)
        w.end()
    return finish("enum ndr_err_code ndr_push_%s(struct ndr_push *ndr, "
                  "int ndr_flags, const struct %s *r)" % (t.name, t.name), w)


def union_push(iface, t, constants):
    w = Writer()
    for phase, flag in (("scalars", "NDR_SCALARS"), ("buffers", "NDR_BUFFERS")):
        w.block("if (ndr_flags & %s)" % flag)
        if phase == "scalars":
            # a non-encapsulated union carries its discriminant before the
            # selected arm (C706 14.3.8)
            w("NDR_CHECK(ndr_push_%s(ndr, NDR_SCALARS, level));" % t.switch_type.ndr)
        w.block("switch (level)")
        for arm in t.arms:
            case_labels(w, arm, constants)
            if arm.element is not None:
                e = arm.element
                push = Push(iface, Scope({}, constants), e)
                if phase == "scalars" or needs_buffers(e.levels):
                    getattr(push, phase)(w, e.levels, "r->%s" % e.name)
            w("break;")
            w.depth -= 1
        if not any(a.cases is None for a in t.arms):
            w("default:")
            w('\treturn ndr_push_error(ndr, NDR_ERR_BAD_SWITCH, '
              '"%s: bad switch value %%u", (unsigned)level);' % t.name)
        w.end()
        w.end()
    return finish("enum ndr_err_code ndr_push_%s(struct ndr_push *ndr, "
                  "int ndr_flags, uint32_t level, const union %s *r)"
                  % (t.name, t.name), w)


def case_labels(w, arm, constants):
    if arm.cases is None:
        w("default:")
    else:
        for tokens in arm.cases:
            w("case %s:" % " ".join(t.text for t in tokens))
    w.depth += 1


def scalar_push(t):
    w = Writer()
    w("NDR_CHECK(ndr_push_%s(ndr, NDR_SCALARS, r));" % t.base.ndr)
    return finish("enum ndr_err_code ndr_push_%s(struct ndr_push *ndr, "
                  "int ndr_flags, %s r)" % (t.name, t.ctype), w)


def function_push(iface, fn, constants):
    w = Writer()
    for direction, flag in (("in", "NDR_IN"), ("out", "NDR_OUT")):
        scope = Scope.function(fn, direction, constants)
        w.block("if (flags & %s)" % flag)
        for p in fn.params:
            if direction in p.direction:
                Push(iface, scope, p).param(w, "r->%s.%s" % (direction, p.name))
        if direction == "out" and fn.result:
            w("NDR_CHECK(ndr_push_uint32(ndr, NDR_SCALARS, r->out.result));")
        w.end()
    return finish("enum ndr_err_code ndr_push_%s(struct ndr_push *ndr, "
                  "int flags, const struct %s *r)" % (fn.name, fn.name), w)


def finish(signature, w):
    return "\n".join([signature, "{"] + w.declarations() + w.lines +
                     ["\treturn NDR_ERR_SUCCESS;", "}", ""])
