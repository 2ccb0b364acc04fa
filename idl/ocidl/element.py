"""One structure member, union arm or function parameter, turned into a
chain of levels (pointer, array, string, data) with its range() and
switch_is(); everything the codecs cannot represent is refused here."""
from . import IdlError
from .parser import Node

ELEMENT_ATTRS = {"in", "out", "ref", "unique", "string", "charset", "size_is",
                 "length_is", "range", "switch_is", "case", "default"}
TYPEDEF_ATTRS = {"public", "v1_enum", "enum16bit", "bitmap8bit",
                 "bitmap16bit", "bitmap32bit", "switch_type"}
INTERFACE_ATTRS = {"uuid", "version", "endpoint", "helpstring",
                   "pointer_default"}
CHARSETS = {"DOS": ("CH_DOS", "uint8"), "UTF16": ("CH_UTF16", "uint16")}


class Level(Node):
    """One step of an element's representation, outermost first:
    ptr (kind ref/unique, top: a top-level parameter's first pointer),
    array (size/length: expression tokens, fixed: a number, trailing:
    conformant array at the end of a structure), string (charset, size),
    data (type)."""


def check_attrs(attrs, allowed, what):
    for name, attr in attrs.items():
        if name == "ptr":
            raise IdlError(attr.where, "full pointers ([ptr]) are not supported")
        if name not in allowed:
            raise IdlError(attr.where, "attribute '%s' is not supported on %s"
                           % (name, what))


def one_arg(attr, name):
    if attr.args is None or len(attr.args) != 1 or not attr.args[0]:
        raise IdlError(attr.where, "%s() takes one argument" % name)
    return attr.args[0]


class Element:
    """A structure member, union arm or function parameter."""

    def __init__(self, node, types, pointer_default, top_level):
        check_attrs(node.attrs, ELEMENT_ATTRS, "an element")
        self.name, self.where, self.attrs = node.name, node.where, node.attrs
        self.top_level = top_level
        self.direction = [d for d in ("in", "out") if d in node.attrs]
        if node.typename not in types:
            raise IdlError(node.where, "unknown type '%s'" % node.typename)
        self.type = types[node.typename]
        self.levels = self._levels(node, pointer_default)
        self.range = self._range()
        self.switch_is = (one_arg(node.attrs["switch_is"], "switch_is")
                          if "switch_is" in node.attrs else None)
        self._check_switch()

    def error(self, message):
        raise IdlError(self.where, "'%s': %s" % (self.name, message))

    def _pointer_kinds(self, nptr, pointer_default):
        kinds = []
        for i in range(nptr):
            if i == 0 and "unique" in self.attrs:
                kinds.append("unique")
            elif i == 0 and ("ref" in self.attrs or self.top_level):
                kinds.append("ref")
            else:
                kinds.append(pointer_default)
        if nptr == 0 and ("unique" in self.attrs or "ref" in self.attrs):
            self.error("a pointer attribute needs a pointer")
        return kinds

    def _levels(self, node, pointer_default):
        attrs = node.attrs
        size = one_arg(attrs["size_is"], "size_is") if "size_is" in attrs else None
        length = (one_arg(attrs["length_is"], "length_is")
                  if "length_is" in attrs else None)
        if len(node.dims) > 1:
            self.error("multi-dimensional arrays are not supported")
        if length is not None and size is None:
            self.error("length_is() needs size_is()")
        terminal = Level(kind="data", type=self.type)
        nptr = node.nptr
        if "string" in attrs:
            terminal = self._string_level(attrs)
            if nptr == 0:
                self.error("[string] needs a pointer: arrays of characters "
                           "are not supported")
        elif "charset" in attrs:
            self.error("charset() needs [string]")
        kinds = self._pointer_kinds(nptr, pointer_default)
        levels = [Level(kind="ptr", ptrkind=k, top=(self.top_level and i == 0))
                  for i, k in enumerate(kinds)]
        if node.dims:
            dim = node.dims[0]
            if dim is None and size is None:
                self.error("a conformant array [] needs size_is()")
            if dim is not None and size is not None:
                self.error("a fixed array cannot have size_is()")
            levels.insert(0, Level(kind="array", size=size, length=length,
                                   fixed=dim, trailing=not self.top_level))
        elif size is not None:
            if not levels:
                self.error("size_is() needs a pointer or []")
            if terminal.kind == "string" and nptr == 1:
                if length is not None:
                    self.error("length_is() on a [string] is not supported")
                terminal.size = size
            else:
                levels.insert(1, Level(kind="array", size=size, length=length,
                                       fixed=None, trailing=False))
        levels.append(terminal)
        return levels

    def _string_level(self, attrs):
        if "charset" not in attrs:
            self.error("[string] needs charset(DOS) or charset(UTF16)")
        cs = one_arg(attrs["charset"], "charset")
        if len(cs) != 1 or cs[0].text not in CHARSETS:
            self.error("charset must be DOS or UTF16")
        chset, base = CHARSETS[cs[0].text]
        if self.type.name != base:
            self.error("charset(%s) strings are made of %s"
                       % (cs[0].text, base))
        return Level(kind="string", charset=chset, width=self.type.size,
                     size=None)

    def _range(self):
        if "range" not in self.attrs:
            return None
        attr = self.attrs["range"]
        if (attr.args is None or len(attr.args) != 2
                or any(len(a) != 1 or a[0].kind != "number" for a in attr.args)):
            raise IdlError(attr.where, "range() takes two numbers")
        terminal = self.levels[-1]
        kinds = [lv.kind for lv in self.levels]
        if (terminal.kind != "data" or terminal.type.kind not in ("prim", "enum")
                or not getattr(terminal.type, "integer", True)
                or "array" in kinds):
            self.error("range() applies to integers only")
        return tuple(int(a[0].text, 0) for a in attr.args)

    def _check_switch(self):
        is_union = self.type.kind == "union"
        if is_union and self.switch_is is None:
            self.error("a union needs switch_is()")
        if self.switch_is is not None:
            if not is_union:
                self.error("switch_is() applies to unions only")
            if len(self.levels) != 1:
                self.error("only unions held by value are supported")

    def names_in(self, tokens):
        return [t.text for t in tokens or [] if t.kind == "ident"]
