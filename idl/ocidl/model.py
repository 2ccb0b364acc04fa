"""Semantic model of an IDL file: interfaces, their typedefs and functions,
with the alignment and smallest wire size of each type."""
from . import IdlError
from .element import Element, INTERFACE_ATTRS, TYPEDEF_ATTRS, check_attrs, one_arg
from .parser import Node
from .idltypes import PRIMS, Compound, Scalar


class Function:
    def __init__(self, node, opnum, types, pointer_default):
        check_attrs(node.attrs, set(), "a function")
        self.name, self.where, self.opnum = node.name, node.where, opnum
        if node.rettype not in (None, "uint32"):
            raise IdlError(node.where, "%s: return type must be uint32 or void"
                           % node.name)
        self.result = node.rettype
        self.params = [Element(p, types, pointer_default, True)
                       for p in node.params]
        for p in self.params:
            self._check_param(p)

    def _check_param(self, p):
        if not p.direction:
            p.error("a parameter needs [in], [out] or both")
        first = p.levels[0]
        if "out" in p.direction and first.kind == "data":
            p.error("[out] parameters must be pointers or arrays")
        if "out" in p.direction and first.kind == "ptr" and first.ptrkind != "ref":
            if "in" not in p.direction:
                p.error("an [out] only parameter must be [ref]")

    def param(self, name):
        for p in self.params:
            if p.name == name:
                return p
        return None


class Interface:
    def __init__(self, node, filename):
        check_attrs(node.attrs, INTERFACE_ATTRS, "an interface")
        self.name, self.where = node.name, node.where
        self.uuid = self._string_attr(node, "uuid")
        self.version = self._version(node)
        self.helpstring = (self._string_attr(node, "helpstring")
                           if "helpstring" in node.attrs else node.name)
        self.endpoints = ([self._unquote(a[0]) for a in node.attrs["endpoint"].args]
                          if "endpoint" in node.attrs else ["ncacn_ip_tcp:"])
        self.pointer_default = self._pointer_default(node)
        self.types = dict(PRIMS)
        self.typedefs = []
        for td in node.typedefs:
            self._declare(td)
        for t in self.typedefs:
            if t.kind in ("struct", "union"):
                self._define(t)
        for t in self.typedefs:
            if t.kind in ("struct", "union"):
                self._check_embedding(t)
            if t.kind == "union":
                self._check_cases(t)
        self._layout()
        self.functions = [Function(f, i, self.types, self.pointer_default)
                          for i, f in enumerate(node.functions)]

    @staticmethod
    def _unquote(tok):
        if tok.kind != "string":
            raise IdlError(tok.where, "expected a quoted string")
        return tok.text[1:-1]

    def _string_attr(self, node, name):
        if name not in node.attrs:
            raise IdlError(node.where, "interface needs %s()" % name)
        return self._unquote(one_arg(node.attrs[name], name)[0])

    @staticmethod
    def _version(node):
        if "version" not in node.attrs:
            raise IdlError(node.where, "interface needs version()")
        tok = one_arg(node.attrs["version"], "version")[0]
        major, _, minor = tok.text.partition(".")
        return int(major), int(minor or "0")

    @staticmethod
    def _pointer_default(node):
        if "pointer_default" not in node.attrs:
            return "unique"
        tok = one_arg(node.attrs["pointer_default"], "pointer_default")[0]
        if tok.text not in ("unique", "ref"):
            raise IdlError(tok.where, "pointer_default must be unique or ref "
                           "(full pointers are not supported)")
        return tok.text

    def _declare(self, td):
        check_attrs(td.attrs, TYPEDEF_ATTRS, "a typedef")
        if td.name in self.types:
            raise IdlError(td.where, "type '%s' defined twice" % td.name)
        t = Scalar(td) if td.kind in ("enum", "bitmap") else Compound(td, td.kind)
        self.types[td.name] = t
        self.typedefs.append(t)

    def _define(self, t):
        node = t.node
        if t.kind == "union":
            if "switch_type" not in node.attrs:
                raise IdlError(node.where, "union %s needs switch_type()" % t.name)
            tok = one_arg(node.attrs["switch_type"], "switch_type")
            st = self.types.get(tok[0].text) if len(tok) == 1 else None
            if st is None or st.kind not in ("prim", "enum") or not st.integer:
                raise IdlError(tok[0].where, "switch_type() must name an integer type")
            t.switch_type = st if st.kind == "prim" else st.base
            t.arms = []
            for arm in node.body:
                self._union_arm(t, arm)
        else:
            t.elements = [Element(e, self.types, self.pointer_default, False)
                          for e in node.body]
            self._check_struct(t)

    def _union_arm(self, t, arm):
        if "case" not in arm.attrs and "default" not in arm.attrs:
            raise IdlError(arm.where, "union arm needs case() or [default]")
        cases = arm.attrs["case"].args if "case" in arm.attrs else None
        attrs = {k: v for k, v in arm.attrs.items() if k not in ("case", "default")}
        element = None
        if arm.name is not None:
            arm.attrs = attrs
            element = Element(arm, self.types, self.pointer_default, False)
        t.arms.append(Node(cases=cases, element=element, where=arm.where))
        if element is not None:
            t.elements.append(element)

    def _check_struct(self, t):
        names = [e.name for e in t.elements]
        for i, e in enumerate(t.elements):
            if e.direction:
                e.error("[in]/[out] belong on function parameters")
            arr = e.levels[0]
            if arr.kind == "array" and arr.fixed is None and i != len(t.elements) - 1:
                e.error("a conformant array must be the last member")
            for tokens in (e.switch_is,):
                for name in e.names_in(tokens):
                    if name in names and names.index(name) >= i:
                        e.error("switch_is() must name an earlier member")
        t.conformant = bool(t.elements) and t.elements[-1].levels[0].kind == "array" \
            and t.elements[-1].levels[0].fixed is None

    def _check_embedding(self, t):
        """NDR hoists the conformance of a conformant structure to the start
        of the outermost structure holding it by value; we do not."""
        for e in t.elements:
            first = e.levels[0]
            inner = e.levels[1] if first.kind == "array" and first.fixed else first
            if (inner.kind == "data" and inner.type.kind == "struct"
                    and getattr(inner.type, "conformant", False)):
                e.error("a conformant structure (%s) held by value inside "
                        "another type is not supported: point to it"
                        % inner.type.name)

    def _check_cases(self, t):
        names = {n for td in self.typedefs if td.kind in ("enum", "bitmap")
                 for n, _ in td.values}
        for arm in t.arms:
            for tokens in arm.cases or []:
                if (len(tokens) != 1 or tokens[0].kind not in ("number", "ident")
                        or (tokens[0].kind == "ident" and tokens[0].text not in names)):
                    raise IdlError(arm.where, "case() takes numbers or enum "
                                   "constants, one per value")

    def _layout(self):
        """Alignment, smallest wire size and whether a type has deferred
        parts, computed to a fixed point (types may refer to each other)."""
        for _ in range(len(self.typedefs) + 2):
            for t in self.typedefs:
                if t.kind not in ("struct", "union"):
                    continue
                sizes = [element_min_size(e) for e in t.elements]
                aligns = [element_align(e) for e in t.elements] or [1]
                t.align = max(aligns + ([4] if getattr(t, "conformant", False) else []))
                if t.kind == "struct":
                    t.min_size = max(1, sum(sizes))
                else:
                    # the discriminant comes first (C706 14.3.8)
                    empty = any(a.element is None for a in t.arms)
                    t.min_size = t.switch_type.size + (
                        0 if empty or not sizes else min(sizes))
                    aligns.append(t.switch_type.align)
                    t.align = max(aligns)
                t.has_buffers = any(element_has_buffers(e) for e in t.elements)


def element_min_size(e):
    first = e.levels[0]
    if first.kind == "ptr":
        return 0 if first.top else 4
    if first.kind == "array":
        inner = e.levels[1]
        each = 4 if inner.kind == "ptr" else getattr(inner.type, "min_size", 1)
        return each * (first.fixed or 0)
    return first.type.min_size


def element_align(e):
    first = e.levels[0]
    if first.kind == "ptr" or first.kind == "string":
        return 4
    if first.kind == "array":
        inner = e.levels[1]
        return 4 if inner.kind == "ptr" else inner.type.align
    return first.type.align


def element_has_buffers(e):
    for lv in e.levels:
        if lv.kind == "ptr" and not lv.top:
            return True
        if lv.kind == "data":
            return lv.type.has_buffers
    return False


def build(interfaces, filename):
    return [Interface(i, filename) for i in interfaces]
