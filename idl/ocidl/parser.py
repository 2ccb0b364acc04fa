"""Parser: tokens -> syntax tree.  Only the grammar the OpenChange IDL
uses: interfaces with attributes, typedefs of struct, union, enum and
bitmap, and functions.  Anything else is an error naming file and line."""
from . import IdlError
from .lexer import tokenize


class Node:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Parser:
    def __init__(self, tokens):
        self.toks, self.pos = tokens, 0

    # -- token helpers --------------------------------------------------
    def peek(self, ahead=0):
        return self.toks[min(self.pos + ahead, len(self.toks) - 1)]

    def next(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def error(self, message, tok=None):
        tok = tok or self.peek()
        raise IdlError(tok.where, message)

    def expect(self, text):
        tok = self.next()
        if tok.text != text:
            self.error("expected '%s', found '%s'" % (text, tok.text), tok)
        return tok

    def accept(self, text):
        if self.peek().text == text and self.peek().kind != "string":
            return self.next()
        return None

    def ident(self, what):
        tok = self.next()
        if tok.kind != "ident":
            self.error("expected %s, found '%s'" % (what, tok.text), tok)
        return tok

    # -- attributes: [name, name(args), ...] ------------------------------
    def balanced(self):
        """Tokens up to the ')' matching an already consumed '('."""
        depth, out = 1, []
        while True:
            tok = self.next()
            if tok.kind == "eof":
                self.error("unterminated '('", tok)
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
                if depth == 0:
                    return out
            out.append(tok)

    @staticmethod
    def split_commas(tokens):
        args, cur, depth = [], [], 0
        for tok in tokens:
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
            if tok.text == "," and depth == 0:
                args.append(cur)
                cur = []
            else:
                cur.append(tok)
        args.append(cur)
        return args

    def attributes(self):
        attrs = {}
        while self.accept("["):
            while True:
                name = self.ident("an attribute name")
                args = None
                if self.accept("("):
                    args = self.split_commas(self.balanced())
                if name.text in attrs:
                    self.error("attribute '%s' given twice" % name.text, name)
                attrs[name.text] = Node(args=args, where=name.where)
                if not self.accept(","):
                    break
            self.expect("]")
        return attrs

    # -- declarations -----------------------------------------------------
    def element(self, attrs=None):
        attrs = attrs if attrs is not None else {}
        attrs.update(self.attributes())
        first = self.peek()
        if first.text in ("unsigned", "signed", "struct", "union", "enum"):
            self.error("write the pidl type name (uint32, int16, a typedef "
                       "name), not '%s'" % first.text)
        typename = self.ident("a type name")
        nptr = 0
        while self.accept("*"):
            nptr += 1
        name = self.ident("an element name")
        dims = []
        while self.accept("["):
            if self.accept("]"):
                dims.append(None)
            else:
                tok = self.next()
                if tok.kind != "number":
                    self.error("array bounds must be a number or empty", tok)
                dims.append(int(tok.text, 0))
                self.expect("]")
        return Node(name=name.text, attrs=attrs, typename=typename.text,
                    nptr=nptr, dims=dims, where=name.where)

    def struct_body(self):
        self.expect("{")
        elements = []
        while not self.accept("}"):
            elements.append(self.element())
            self.expect(";")
        return elements

    def union_body(self):
        self.expect("{")
        arms = []
        while not self.accept("}"):
            attrs = self.attributes()
            if self.accept(";"):
                arms.append(Node(name=None, attrs=attrs, where=self.peek().where))
                continue
            arms.append(self.element(attrs))
            self.expect(";")
        return arms

    def enum_body(self):
        self.expect("{")
        values = []
        while not self.accept("}"):
            name = self.ident("a constant name")
            self.expect("=")
            value = self.next()
            if value.kind != "number":
                self.error("enum and bitmap values must be numbers", value)
            values.append((name.text, int(value.text, 0)))
            if not self.accept(","):
                self.expect("}")
                break
        return values

    def typedef(self):
        where = self.expect("typedef").where
        attrs = self.attributes()
        kind = self.next()
        if kind.text == "struct":
            body = self.struct_body()
        elif kind.text == "union":
            body = self.union_body()
        elif kind.text in ("enum", "bitmap"):
            body = self.enum_body()
        else:
            self.error("typedef of '%s' is not supported: only struct, "
                       "union, enum and bitmap" % kind.text, kind)
        name = self.ident("the typedef name")
        self.expect(";")
        return Node(kind=kind.text, name=name.text, attrs=attrs, body=body,
                    where=where)

    def function(self):
        attrs = self.attributes()
        ret = self.ident("a return type")
        name = self.ident("a function name")
        self.expect("(")
        params = []
        if not self.accept(")"):
            if self.peek().text == "void" and self.peek(1).text == ")":
                self.next()
                self.expect(")")
            else:
                while True:
                    params.append(self.element())
                    if not self.accept(","):
                        break
                self.expect(")")
        self.expect(";")
        rettype = None if ret.text == "void" else ret.text
        return Node(name=name.text, attrs=attrs, rettype=rettype,
                    params=params, where=name.where)

    def interface(self):
        attrs = self.attributes()
        self.expect("interface")
        name = self.ident("the interface name")
        self.expect("{")
        typedefs, functions = [], []
        while not self.accept("}"):
            if self.peek().text == "typedef":
                typedefs.append(self.typedef())
            else:
                functions.append(self.function())
        self.accept(";")
        return Node(name=name.text, attrs=attrs, typedefs=typedefs,
                    functions=functions, where=name.where)

    def file(self):
        interfaces = []
        while self.peek().kind != "eof":
            interfaces.append(self.interface())
        if not interfaces:
            self.error("no interface in this file")
        return interfaces


def parse_file(path, display_name=None):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return Parser(tokenize(text, display_name or path)).file()
