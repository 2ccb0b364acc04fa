"""The types an IDL file can name: libndr's primitives, and the struct,
union, enum and bitmap typedefs of the file."""
from . import IdlError


class Prim:
    """A type libndr marshals itself (ndr_push_<ndr>/ndr_pull_<ndr>)."""
    kind = "prim"

    def __init__(self, name, ctype, ndr, align, size, byref=False,
                 signed=False, integer=True):
        self.name, self.ctype, self.ndr = name, ctype, ndr
        self.align, self.size, self.byref = align, size, byref
        self.signed, self.integer = signed, integer
        self.has_buffers = False

    @property
    def min_size(self):
        return self.size


PRIMS = {p.name: p for p in [
    Prim("uint8", "uint8_t", "uint8", 1, 1),
    Prim("int8", "int8_t", "int8", 1, 1, signed=True),
    Prim("uint16", "uint16_t", "uint16", 2, 2),
    Prim("int16", "int16_t", "int16", 2, 2, signed=True),
    Prim("uint32", "uint32_t", "uint32", 4, 4),
    Prim("int32", "int32_t", "int32", 4, 4, signed=True),
    Prim("hyper", "uint64_t", "hyper", 8, 8),
    Prim("policy_handle", "struct policy_handle", "policy_handle", 4, 20,
         byref=True, integer=False),
    Prim("GUID", "struct GUID", "GUID", 4, 16, byref=True, integer=False),
]}


class Compound:
    """struct or union."""

    def __init__(self, node, kind):
        self.kind, self.name, self.where = kind, node.name, node.where
        self.node, self.attrs = node, node.attrs
        self.elements = []
        self.has_buffers = True
        self.align = 4
        self.min_size = 4

    @property
    def ctype(self):
        return "%s %s" % (self.kind, self.name)


class Scalar:
    """enum or bitmap: an integer with named values."""

    def __init__(self, node):
        self.kind, self.name, self.where = node.kind, node.name, node.where
        self.values = node.body
        self.has_buffers = False
        self.integer = True
        bits = {"v1_enum": 32, "enum16bit": 16, "bitmap8bit": 8,
                "bitmap16bit": 16, "bitmap32bit": 32}
        chosen = [b for a, b in bits.items() if a in node.attrs]
        if len(chosen) != 1:
            raise IdlError(node.where, "%s %s: give its width with one of %s"
                           % (node.kind, node.name, ", ".join(
                               a for a in bits if a.startswith(
                                   "v1" if node.kind == "enum" else "bitmap")
                               or (node.kind == "enum" and a == "enum16bit"))))
        self.base = PRIMS["uint%d" % chosen[0]]
        self.align = self.min_size = self.base.size
        self.signed = False
        self.ctype = ("enum %s" % self.name if self.kind == "enum"
                      else self.base.ctype)
