"""size_is/length_is/switch_is expressions -> C.

Only names, numbers, parentheses and the operators + - * / & | ~ are
accepted; a leading '*' dereferences a pointer parameter, as in the specs'
size_is(*pcbOut)."""
from . import IdlError

_OPERATORS = set("+-*/&|~()")


class Scope:
    """Maps IDL names to C lvalues: a structure's members (r->x) or a
    function's parameters in one direction (r->in.x, r->out.x)."""

    def __init__(self, names, constants):
        self.names, self.constants = names, constants

    @classmethod
    def struct(cls, compound, constants):
        return cls({e.name: "r->%s" % e.name for e in compound.elements},
                   constants)

    @classmethod
    def function(cls, fn, direction, constants):
        names = {}
        for p in fn.params:
            if direction == "out" and "out" in p.direction:
                names[p.name] = "r->out.%s" % p.name
            elif "in" in p.direction:
                names[p.name] = "r->in.%s" % p.name
        return cls(names, constants)


def _unary(out):
    """Whether a '*' here dereferences (starts an operand)."""
    return not out or out[-1] in _OPERATORS and out[-1] != ")"


def to_c(tokens, scope, where):
    out = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (tok.text == "*" and _unary(out) and nxt is not None
                and nxt.kind == "ident" and nxt.text in scope.names):
            # size_is(*pcbOut): a NULL pointer reads as 0, never crashes;
            # the [ref] check of the parameter itself reports it
            out.append("DEREF")
            continue
        if out and out[-1] == "DEREF":
            name = scope.names[tok.text]
            out[-1] = "(%s != NULL ? *%s : 0)" % (name, name)
            continue
        if tok.kind == "number":
            out.append(tok.text)
        elif tok.kind == "ident":
            if tok.text in scope.names:
                out.append(scope.names[tok.text])
            elif tok.text in scope.constants:
                out.append(tok.text)
            else:
                raise IdlError(tok.where, "'%s' is not a member or parameter "
                               "here" % tok.text)
        elif tok.text in _OPERATORS:
            out.append(tok.text)
        else:
            raise IdlError(tok.where, "'%s' is not supported in expressions"
                           % tok.text)
    if not out:
        raise IdlError(where, "empty expression")
    return "(" + " ".join(out).replace("( ", "(").replace(" )", ")") + ")"
