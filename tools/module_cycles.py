#!/usr/bin/env python3
"""Import cycles between the modules of a Rust crate, one file = one module.

Usage: tools/module_cycles.py CRATE_SRC_DIR [...]   (for example: src simulator/src wire/src)

Reads every `.rs` file below the folder (test modules, from `#[cfg(test)]` on, are left out),
collects the paths it names (`use crate::a::b`, `crate::a::b::f(...)`, `super::x`, `self::x`),
maps each path to the file module that defines it, and prints each strongly connected group of
files that import each other (a cycle), then `cycles: N`. A parent's `mod child;` is not an edge;
`pub use self::child::X` in the parent is. Exit status 0 always: it reports, it does not judge.
"""
import os
import re
import sys


def module_of(root, path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ("lib", "main") and len(rel) == 1:
        return ()
    if rel[-1] == "mod":
        rel = rel[:-1]
    return tuple(rel)


def strip_tests(text):
    m = re.search(r"^#\[cfg\(test\)\]\s*\n\s*(pub(\([a-z]+\))? )?mod \w+", text, re.M)
    text = text[: m.start()] if m else text
    # comments and strings would only add noise
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def paths_in(text):
    """Every `crate::..`, `super::..`, `self::..` path, with `use` groups expanded one level."""
    out = []
    for m in re.finditer(r"\buse\s+([^;]+);", text, re.S):
        body = re.sub(r"\s+", "", m.group(1))
        g = re.match(r"^(.*?)::\{(.*)\}$", body)
        if g:
            base, items = g.group(1), g.group(2)
            depth, cur, parts = 0, "", []
            for ch in items:
                if ch == "," and depth == 0:
                    parts.append(cur)
                    cur = ""
                    continue
                depth += ch == "{"
                depth -= ch == "}"
                cur += ch
            parts.append(cur)
            for p in parts:
                p = re.sub(r"\{.*\}", "", p.split(" as ")[0]).strip(":")
                if p:
                    out.append(base + ("" if p == "self" else "::" + p))
        else:
            out.append(body.split("as")[0] if " as " in m.group(1) else body)
    text = re.sub(r"\buse\s+[^;]+;", "", text, flags=re.S)
    text = re.sub(r"\b(pub(\([a-z]+\))?\s+)?mod\s+\w+\s*;", "", text)
    out += re.findall(r"\b((?:crate|super|self)(?:::\w+)+)", text)
    return out


def resolve(here, path, modules):
    parts = path.split("::")
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] in ("self", "super"):
        base = here
        while parts and parts[0] in ("self", "super"):
            if parts[0] == "super":
                base = base[:-1]
            parts = parts[1:]
        rest = parts
    elif here + (parts[0],) in modules:
        base, rest = here, parts  # a child module named without `self::` (2018 paths)
    else:
        return None
    full = base + tuple(rest)
    for n in range(len(full), -1, -1):
        if full[:n] in modules:
            return full[:n]
    return None


def tarjan(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main(roots):
    total = 0
    for root in roots:
        files = {}
        for d, _, names in os.walk(root):
            for n in names:
                if n.endswith(".rs"):
                    p = os.path.join(d, n)
                    files[module_of(root, p)] = p
        graph = {m: set() for m in files}
        for m, p in files.items():
            with open(p, encoding="utf-8") as f:
                text = strip_tests(f.read())
            for path in paths_in(text):
                t = resolve(m, path, files)
                if t is not None and t != m:
                    graph[m].add(t)
        name = lambda m: "::".join(m) or "(crate root)"
        for comp in tarjan(graph):
            if len(comp) > 1:
                total += 1
                print(f"{root}: cycle: " + " <-> ".join(name(m) for m in comp))
    print(f"cycles: {total}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["src"])
