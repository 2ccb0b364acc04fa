"""ocidl: OpenChange's IDL compiler (DESIGN.md decision 2, "No pidl").

Reads pidl-style IDL and writes C types, NDR push/pull/print built on
libndr's public API, and the ndr_interface_table of each interface.

  lexer.py    text -> tokens (with file and line)
  parser.py   tokens -> syntax tree (interfaces, typedefs, functions)
  idltypes.py the primitives and the typedef kinds (struct, union, enum, bitmap)
  element.py  one member or parameter as a chain of levels; refusals
  model.py    interfaces, typedefs, functions, layout (alignment, sizes)
  cexpr.py    size_is/length_is/switch_is expressions -> C
  cheader.py  gen_<iface>.h: the C types
  ndrpush.py, ndrpull.py, ndrprint.py: the three codecs
  ndrfile.py  gen_ndr_<iface>.c/.h and the interface table
"""


class IdlError(Exception):
    """An error in the IDL, reported as file:line: message."""

    def __init__(self, where, message):
        super().__init__("%s: error: %s" % (where, message))
