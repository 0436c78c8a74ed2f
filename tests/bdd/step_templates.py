"""A step definition's regular expression read back as the words a feature writer types:
`(?P<name>...)` becomes `<name>`, an optional part `[...]`, alternatives `(a|b)`."""

from __future__ import annotations

from dataclasses import dataclass, field

#: what a regex escape stands for when it is a literal character
_ESCAPED_LITERALS = set(".,'\"/()[]{}?*+|^$\\-%:")


@dataclass
class _Node:
    """A parsed piece of a pattern: a sequence, an alternation, a group or a literal."""

    kind: str  # "seq", "alt", "group", "lit", "class"
    text: str = ""  # "lit": the characters; "group": the name of a named group
    parts: list[_Node] = field(default_factory=list)
    optional: bool = False
    lookahead: bool = False


class _Reader:
    """A recursive-descent reader for the subset of regex syntax step patterns use."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0

    def peek(self) -> str:
        return self.pattern[self.at] if self.at < len(self.pattern) else ""

    def take(self, count: int = 1) -> str:
        taken = self.pattern[self.at : self.at + count]
        self.at += count
        return taken

    def alternation(self) -> _Node:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else _Node("alt", parts=branches)

    def sequence(self) -> _Node:
        parts: list[_Node] = []
        while self.peek() not in ("", "|", ")"):
            atom = self.atom()
            self.quantifier(atom, parts)
        return _Node("seq", parts=parts)

    def atom(self) -> _Node:
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            while self.peek() != "]":
                self.take(2 if self.peek() == "\\" else 1)
            self.take()
            return _Node("class")
        if char == "\\":
            escaped = self.take()
            return _Node("lit", escaped) if escaped in _ESCAPED_LITERALS else _Node("class")
        if char == ".":
            return _Node("class")
        if char in "^$":
            return _Node("seq")
        return _Node("lit", char)

    def group(self) -> _Node:
        name, lookahead = "", False
        if self.peek() == "?":
            self.take()
            kind = self.take()
            if kind == "P":  # (?P<name>...)
                self.take()  # <
                while self.peek() != ">":
                    name += self.take()
                self.take()
            elif kind in "!=":
                lookahead = True
        inner = self.alternation()
        self.take()  # )
        return _Node("group", name, [inner], lookahead=lookahead)

    def quantifier(self, atom: _Node, parts: list[_Node]) -> None:
        """Attach a quantifier: `?` and `{0,n}` make the atom optional; others repeat it."""
        char = self.peek()
        if char == "{":
            bounds = ""
            self.take()
            while self.peek() != "}":
                bounds += self.take()
            self.take()
            atom.optional = bounds.startswith("0")
            if atom.kind == "lit" and not atom.optional:
                atom = _Node("class")
        elif char and char in "?*+":
            self.take()
            atom.optional = char in "?*"
            if char in "*+" and atom.kind == "lit":
                atom = _Node("class", optional=atom.optional)
        else:
            parts.append(atom)
            return
        if self.peek() == "?":  # lazy
            self.take()
        parts.append(atom)


def _literal_choices(node: _Node) -> list[str] | None:
    """The words of a group made of literal alternatives only ("completes|fails"), else None."""
    branches = node.parts if node.kind == "alt" else [node]
    words = []
    for branch in branches:
        pieces = branch.parts if branch.kind == "seq" else [branch]
        if not all(p.kind == "lit" and not p.optional for p in pieces):
            return None
        words.append("".join(p.text for p in pieces))
    return words


def _render(node: _Node) -> str:
    if node.lookahead:
        return ""
    if node.kind == "lit":
        text = node.text
    elif node.kind == "class":
        text = "…"
    elif node.kind == "seq":
        text = "".join(_render(part) for part in node.parts)
    elif node.kind == "alt":
        text = "|".join(_render(part) for part in node.parts)
    else:  # a group
        (inner,) = node.parts
        choices = _literal_choices(inner)
        if choices is not None and len(choices) > 1:
            text = f"({'|'.join(choices)})"
        elif node.text and choices is None:
            text = f"<{node.text}>"
        else:
            text = _render(inner)
            if inner.kind == "alt" and not node.optional:
                text = f"({text})"
    return f"[{text}]" if node.optional else text


def template(pattern: str) -> str:
    """The words of a step pattern: `(?P<name>[A-Z][a-z]+) links (?:a|an) (?P<card>.+)` reads
    `<name> links (a|an) <card>`."""
    return _render(_Reader(pattern).alternation()).strip()
