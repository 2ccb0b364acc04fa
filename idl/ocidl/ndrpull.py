"""NDR pull (unmarshalling) code.  Every count read from the wire is
checked before anything is allocated: against range(), against what is
left in the buffer, and against the size_is/length_is expression (at once
when the expression's members are known, else at the end of the call).
Memory hangs under ndr->current_mem_ctx, each referent under its parent."""
from .codegen import Writer, pointee, addr, needs_buffers, is_bytes
from .cexpr import Scope, to_c
from .ndrpush import case_labels, finish

MAX_RECURSION = 1000


def min_wire(levels):
    lv = levels[0]
    if lv.kind in ("ptr", "string"):
        return 4
    if lv.kind == "array":
        return max(1, (lv.fixed or 0) * min_wire(levels[1:]))
    return max(1, lv.type.min_size)


class Pull:
    def __init__(self, iface, scope, e, deferred=None):
        self.iface, self.scope, self.e = iface, scope, e
        self.deferred = deferred  # None: check at once; a list: at the end

    def expr(self, tokens):
        return to_c(tokens, self.scope, self.e.where)

    def fail(self, w, cond, code, message):
        w.block("if (%s)" % cond)
        w('return ndr_pull_error(ndr, %s, "%s: %s");' % (code, self.e.name, message))
        w.end()

    def check(self, w, cond, code, message, pulled):
        """A consistency check on values that may not be known yet; pulled
        is the C pointer that is non-NULL once the checked part was read."""
        if self.deferred is None:
            self.fail(w, cond, code, message)
        else:
            self.deferred.append((self.e, "%s != NULL && (%s)" % (pulled, cond),
                                  code, message))

    def data(self, w, lv, flags, v, switch=None):
        t = lv.type
        if t.kind == "prim":
            if "NDR_SCALARS" in flags:
                w("NDR_CHECK(ndr_pull_%s(ndr, NDR_SCALARS, %s));" % (t.ndr, addr(v)))
        elif t.kind in ("enum", "bitmap"):
            if "NDR_SCALARS" in flags:
                w("NDR_CHECK(ndr_pull_%s(ndr, NDR_SCALARS, %s));" % (t.name, addr(v)))
        elif t.kind == "union":
            w("NDR_CHECK(ndr_pull_%s(ndr, %s, %s, %s));"
              % (t.name, flags, switch, addr(v)))
        else:
            w("NDR_CHECK(ndr_pull_%s(ndr, %s, %s));" % (t.name, flags, addr(v)))
        if self.e.range and "NDR_SCALARS" in flags:
            lo, hi = self.e.range
            conds = ["%s > %d" % (v, hi)] if not lo and not t.signed else \
                ["%s < %d" % (v, lo), "%s > %d" % (v, hi)]
            self.fail(w, " || ".join(conds), "NDR_ERR_RANGE",
                      "value out of range(%d,%d)" % (lo, hi))

    def room(self, w, count, levels):
        """Refuse counts the rest of the buffer cannot hold, before
        allocating anything for them."""
        self.fail(w, "%s > (ndr->data_size - ndr->offset) / %d"
                  % (count, min_wire(levels)), "NDR_ERR_BUFSIZE",
                  "count larger than the data left")

    def elements(self, w, levels, v, count, phase, depth):
        if is_bytes(levels):
            if phase == "scalars":
                w("NDR_CHECK(ndr_pull_array_uint8(ndr, NDR_SCALARS, %s, %s));"
                  % (v, count))
            return
        if phase == "buffers" and not needs_buffers(levels):
            return
        i = w.counter(self.e, depth)
        w.block("for (%s = 0; %s < %s; %s++)" % (i, i, count, i))
        getattr(self, phase)(w, levels, "%s[%s]" % (v, i), depth + 1)
        w.end()

    def with_mem_ctx(self, w, parent, depth, body):
        save = w.local("TALLOC_CTX *", "_mem_save_%s_%d" % (self.e.name, depth))
        w("%s = NDR_PULL_GET_MEM_CTX(ndr);" % save)
        w("NDR_PULL_SET_MEM_CTX(ndr, %s, 0);" % parent)
        body()
        w("NDR_PULL_SET_MEM_CTX(ndr, %s, 0);" % save)

    def varying(self, w, lv, size_var, depth, v):
        """offset and actual count of a varying array; returns the count."""
        off = w.local("uint32_t", "offset_%s_%d" % (self.e.name, depth))
        length = w.local("uint32_t", "length_%s_%d" % (self.e.name, depth), "0")
        w("NDR_CHECK(ndr_pull_uint3264(ndr, NDR_SCALARS, &%s));" % off)
        w("NDR_CHECK(ndr_pull_uint3264(ndr, NDR_SCALARS, &%s));" % length)
        self.fail(w, "%s != 0" % off, "NDR_ERR_ARRAY_SIZE", "non-zero offset")
        self.fail(w, "%s > %s" % (length, size_var), "NDR_ERR_ARRAY_SIZE",
                  "length larger than size")
        self.check(w, "%s != %s" % (length, self.expr(lv.length)),
                   "NDR_ERR_ARRAY_SIZE", "length differs from length_is", v)
        return length

    def array_body(self, w, levels, v, count, depth):
        """Allocate count elements and pull their scalars and buffers."""
        self.room(w, count, levels)
        w("NDR_PULL_ALLOC_N(ndr, %s, %s);" % (v, count))

        def body():
            self.elements(w, levels, v, count, "scalars", depth)
            self.elements(w, levels, v, count, "buffers", depth)
        self.with_mem_ctx(w, v, depth, body)

    def scalars(self, w, levels, v, depth=0, switch=None):
        lv = levels[0]
        if lv.kind == "ptr":
            ptr = w.local("uint32_t", "_ptr_%s_%d" % (self.e.name, depth))
            fn = "ndr_pull_generic_ptr" if lv.ptrkind == "unique" else "ndr_pull_ref_ptr"
            w("NDR_CHECK(%s(ndr, &%s));" % (fn, ptr))
            w.block("if (%s != 0)" % ptr)
            # a placeholder until the referent is pulled in NDR_BUFFERS
            w("NDR_PULL_ALLOC(ndr, %s);" % v)
            w.end("} else {")
            w.depth += 1
            w("%s = NULL;" % v)
            w.end()
        elif lv.kind == "array" and lv.fixed is not None:
            self.elements(w, levels[1:], v, lv.fixed, "scalars", depth)
        elif lv.kind == "array":
            # the trailing conformant array: its size came first (struct_pull)
            size = "size_%s" % self.e.name
            self.check(w, "%s != %s" % (size, self.expr(lv.size)),
                       "NDR_ERR_ARRAY_SIZE", "size differs from size_is", v)
            count = self.varying(w, lv, size, depth, v) if lv.length else size
            self.room(w, count, levels[1:])
            w("NDR_PULL_ALLOC_N(ndr, %s, %s);" % (v, count))
            self.with_mem_ctx(w, v, depth, lambda: self.elements(
                w, levels[1:], v, count, "scalars", depth))
        else:
            self.data(w, lv, "NDR_SCALARS", v, switch)

    def buffers(self, w, levels, v, depth=0, switch=None):
        lv = levels[0]
        if lv.kind == "ptr":
            w.block("if (%s != NULL)" % v)
            self.referent(w, levels[1:], pointee(levels[1:], v), depth, True)
            w.end()
        elif lv.kind == "array":
            count = lv.fixed if lv.fixed is not None else \
                self.expr(lv.length or lv.size)
            if needs_buffers(levels[1:]):
                self.with_mem_ctx(w, v, depth, lambda: self.elements(
                    w, levels[1:], v, count, "buffers", depth))
        elif lv.type.has_buffers:
            self.data(w, lv, "NDR_BUFFERS", v, switch)

    def referent(self, w, levels, v, depth, placeholder):
        lv = levels[0]
        if lv.kind == "array":
            size = w.local("uint32_t", "size_%s_%d" % (self.e.name, depth), "0")
            w("NDR_CHECK(ndr_pull_uint3264(ndr, NDR_SCALARS, &%s));" % size)
            self.check(w, "%s != %s" % (size, self.expr(lv.size)),
                       "NDR_ERR_ARRAY_SIZE", "size differs from size_is", v)
            count = self.varying(w, lv, size, depth, v) if lv.length else size
            if placeholder:
                w("talloc_free(%s);" % v)
                w("%s = NULL;" % v)
            self.array_body(w, levels[1:], v, count, depth + 1)
        elif lv.kind == "string":
            if placeholder:
                w("talloc_free(discard_const_p(char, %s));" % v)
                w("%s = NULL;" % v)
            self.string(w, lv, v, depth)
        elif lv.kind == "ptr":
            self.scalars(w, levels, v, depth + 1)
            self.buffers(w, levels, v, depth + 1)
        else:
            def body():
                self.data(w, lv, "NDR_SCALARS|NDR_BUFFERS", v)
            if lv.type.kind in ("struct", "union"):
                self.with_mem_ctx(w, addr(v), depth, body)
            else:
                body()

    def string(self, w, lv, v, depth):
        """A conformant varying string with its NUL (C706 14.3.4)."""
        size = w.local("uint32_t", "size_%s_%d" % (self.e.name, depth), "0")
        off = w.local("uint32_t", "offset_%s_%d" % (self.e.name, depth))
        length = w.local("uint32_t", "length_%s_%d" % (self.e.name, depth))
        for var in (size, off, length):
            w("NDR_CHECK(ndr_pull_uint3264(ndr, NDR_SCALARS, &%s));" % var)
        self.fail(w, "%s != 0" % off, "NDR_ERR_ARRAY_SIZE", "non-zero offset")
        self.fail(w, "%s == 0 || %s > %s" % (length, length, size),
                  "NDR_ERR_STRING", "bad string length")
        if lv.size is not None:
            self.check(w, "%s != %s" % (size, self.expr(lv.size)),
                       "NDR_ERR_ARRAY_SIZE", "size differs from size_is", v)
        self.fail(w, "%s > (ndr->data_size - ndr->offset) / %d"
                  % (length, lv.width), "NDR_ERR_BUFSIZE", "string past the end")
        w("NDR_CHECK(ndr_check_string_terminator(ndr, %s, %d));" % (length, lv.width))
        if lv.charset == "CH_DOS":
            # the bytes as they are, in the protocol's code page (see ndrpush)
            w.block("")
            w("char *_s = talloc_array(ndr->current_mem_ctx, char, %s);" % length)
            w("NDR_ERR_HAVE_NO_MEMORY(_s);")
            w("NDR_CHECK(ndr_pull_bytes(ndr, (uint8_t *)_s, %s));" % length)
            w("%s = _s;" % v)
            w.end()
        else:
            w("NDR_CHECK(ndr_pull_charset(ndr, NDR_SCALARS, &%s, %s, %d, %s));"
              % (v, length, lv.width, lv.charset))

    def param(self, w, v, direction):
        levels = self.e.levels
        lv = levels[0]
        if lv.kind == "ptr" and lv.top and lv.ptrkind == "ref":
            nxt = levels[1]
            if nxt.kind in ("data", "ptr"):
                if direction == "out":
                    w.block("if (%s == NULL)" % v)
                    w("NDR_PULL_ALLOC(ndr, %s);" % v)
                    w.end()
                else:
                    w("NDR_PULL_ALLOC(ndr, %s);" % v)
            self.referent(w, levels[1:], pointee(levels[1:], v), 0, False)
        elif lv.kind == "array" and lv.fixed is None:
            self.referent(w, levels, v, 0, False)
        else:
            self.scalars(w, levels, v)
            self.buffers(w, levels, v)


def recursion(w, body):
    w("NDR_RECURSION_CHECK(ndr, %d);" % MAX_RECURSION)
    body()
    w("NDR_RECURSION_UNWIND(ndr);")


def struct_pull(iface, t, constants):
    scope = Scope.struct(t, constants)
    w = Writer()

    def body():
        w.block("if (ndr_flags & NDR_SCALARS)")
        if t.conformant:
            last = t.elements[-1]
            w.local("uint32_t", "size_%s" % last.name)
            w("NDR_CHECK(ndr_pull_uint3264(ndr, NDR_SCALARS, &size_%s));" % last.name)
        w("NDR_CHECK(ndr_pull_align(ndr, %d));" % t.align)
        for e in t.elements:
            sw = to_c(e.switch_is, scope, e.where) if e.switch_is else None
            Pull(iface, scope, e).scalars(w, e.levels, "r->%s" % e.name, switch=sw)
        w("NDR_CHECK(ndr_pull_trailer_align(ndr, %d));" % t.align)
        w.end()
        if t.has_buffers:
            w.block("if (ndr_flags & NDR_BUFFERS)")
            for e in t.elements:
                sw = to_c(e.switch_is, scope, e.where) if e.switch_is else None
                if needs_buffers(e.levels):
                    Pull(iface, scope, e).buffers(w, e.levels, "r->%s" % e.name,
                                                  switch=sw)
            w.end()
    recursion(w, body)
    return finish("enum ndr_err_code ndr_pull_%s(struct ndr_pull *ndr, "
                  "int ndr_flags, struct %s *r)" % (t.name, t.name), w)


def union_pull(iface, t, constants):
    w = Writer()

    def body():
        for phase, flag in (("scalars", "NDR_SCALARS"), ("buffers", "NDR_BUFFERS")):
            w.block("if (ndr_flags & %s)" % flag)
            if phase == "scalars":
                # the wire's discriminant must be the one switch_is() names
                disc = w.local(t.switch_type.ctype, "_level")
                w("NDR_CHECK(ndr_pull_%s(ndr, NDR_SCALARS, &%s));"
                  % (t.switch_type.ndr, disc))
                w.block("if (%s != level)" % disc)
                w('return ndr_pull_error(ndr, NDR_ERR_BAD_SWITCH, "%s: '
                  'discriminant %%u, switch_is %%u", (unsigned)%s, (unsigned)level);'
                  % (t.name, disc))
                w.end()
            w.block("switch (level)")
            for arm in t.arms:
                case_labels(w, arm, constants)
                if arm.element is not None:
                    e = arm.element
                    pull = Pull(iface, Scope({}, constants), e)
                    if phase == "scalars" or needs_buffers(e.levels):
                        getattr(pull, phase)(w, e.levels, "r->%s" % e.name)
                w("break;")
                w.depth -= 1
            if not any(a.cases is None for a in t.arms):
                w("default:")
                w('\treturn ndr_pull_error(ndr, NDR_ERR_BAD_SWITCH, '
                  '"%s: bad switch value %%u", (unsigned)level);' % t.name)
            w.end()
            w.end()
    recursion(w, body)
    return finish("enum ndr_err_code ndr_pull_%s(struct ndr_pull *ndr, "
                  "int ndr_flags, uint32_t level, union %s *r)"
                  % (t.name, t.name), w)


def scalar_pull(t):
    w = Writer()
    w.local(t.base.ctype, "v")
    w("NDR_CHECK(ndr_pull_%s(ndr, NDR_SCALARS, &v));" % t.base.ndr)
    w("*r = v;")
    return finish("enum ndr_err_code ndr_pull_%s(struct ndr_pull *ndr, "
                  "int ndr_flags, %s *r)" % (t.name, t.ctype), w)


def function_pull(iface, fn, constants):
    w = Writer()
    for direction, flag in (("in", "NDR_IN"), ("out", "NDR_OUT")):
        scope = Scope.function(fn, direction, constants)
        deferred = []
        w.block("if (flags & %s)" % flag)
        if direction == "in":
            w("NDR_ZERO_STRUCT(r->out);")
        for p in fn.params:
            if direction in p.direction:
                Pull(iface, scope, p, deferred).param(
                    w, "r->%s.%s" % (direction, p.name), direction)
        if direction == "out" and fn.result:
            w("NDR_CHECK(ndr_pull_uint32(ndr, NDR_SCALARS, &r->out.result));")
        for e, cond, code, message in deferred:
            Pull(iface, scope, e).fail(w, cond, code, message)
        if direction == "in":
            out_placeholders(w, fn)
        w.end()
    return finish("enum ndr_err_code ndr_pull_%s(struct ndr_pull *ndr, "
                  "int flags, struct %s *r)" % (fn.name, fn.name), w)


def out_placeholders(w, fn):
    """A server fills [out,ref] parameters in place: give them storage,
    holding the [in] value for [in,out] ones."""
    for p in fn.params:
        lv = p.levels[0]
        if "out" not in p.direction or lv.kind != "ptr" or lv.ptrkind != "ref":
            continue
        if p.levels[1].kind not in ("data", "ptr"):
            continue
        w("NDR_PULL_ALLOC(ndr, r->out.%s);" % p.name)
        if "in" in p.direction:
            w("*r->out.%s = *r->in.%s;" % (p.name, p.name))
        else:
            w("NDR_ZERO_STRUCTP(r->out.%s);" % p.name)
