"""Shared machinery of the three codecs: an indented C writer with the
local variables a function needs, and helpers over element levels."""


class Writer:
    def __init__(self):
        self.lines, self.depth = [], 1
        self.locals = {}

    def __call__(self, line=""):
        self.lines.append(("\t" * self.depth + line) if line else "")

    def block(self, head):
        self(head + " {")
        self.depth += 1

    def end(self, tail="}"):
        self.depth -= 1
        self(tail)

    def local(self, ctype, name, init=None):
        self.locals[name] = (ctype, init)
        return name

    def counter(self, e, depth=0):
        return self.local("uint32_t", "cntr_%s_%d" % (e.name, depth))

    def declarations(self):
        out = []
        for name, (ctype, init) in sorted(self.locals.items()):
            out.append("\t%s %s%s;" % (ctype, name,
                                       "" if init is None else " = %s" % init))
        return out


def pointee(levels, v):
    """The C lvalue a pointer's referent is reached through: arrays and
    strings are reached through the pointer itself, data through *v."""
    nxt = levels[0]
    if nxt.kind in ("array", "string"):
        return v
    return "(*%s)" % v


def addr(v):
    if v.startswith("(*") and v.endswith(")"):
        return v[2:-1]
    return "&%s" % v


def needs_buffers(levels):
    for lv in levels:
        if lv.kind == "ptr":
            return True
        if lv.kind == "data":
            return lv.type.has_buffers
    return False


def is_bytes(levels):
    """An array of uint8 pushed and pulled as one block."""
    return (len(levels) == 1 and levels[0].kind == "data"
            and levels[0].type.name == "uint8")


def c_string(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')
