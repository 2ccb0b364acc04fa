"""Tokenizer for pidl-style IDL.  Every token remembers where it came from,
so that every error can name the IDL file and line."""
import re

from . import IdlError

_TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+)
  | (?P<newline>\n)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"[^"\n]*")
  | (?P<number>0[xX][0-9a-fA-F]+|[0-9]+(\.[0-9]+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[][(){};,*=&|+\-~<>/:!^])
""", re.VERBOSE | re.DOTALL)


class Token:
    __slots__ = ("kind", "text", "where")

    def __init__(self, kind, text, where):
        self.kind, self.text, self.where = kind, text, where

    def __repr__(self):
        return "%s(%r)" % (self.kind, self.text)


def tokenize(text, filename):
    tokens = []
    line, pos = 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m and text[pos] == "#":
            raise IdlError("%s:%d" % (filename, line),
                           "preprocessor directives are not supported")
        if not m:
            raise IdlError("%s:%d" % (filename, line),
                           "unexpected character %r" % text[pos])
        kind, value = m.lastgroup, m.group()
        if kind in ("number", "ident", "string", "punct"):
            tokens.append(Token(kind, value, "%s:%d" % (filename, line)))
        line += value.count("\n")
        pos = m.end()
    tokens.append(Token("eof", "", "%s:%d" % (filename, line)))
    return tokens
