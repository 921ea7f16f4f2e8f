#!/usr/bin/env python3
"""The shape limits of src/ (README, "Layout"): no file over 400 lines, no function over 80.

A function is a brace block opened at namespace scope (or directly inside a class) after a
closing parenthesis: its lines run from the line of its signature's opening `{` to its closing
`}`. Lambdas and local classes count towards the function that holds them. Comments, strings
and character literals are blanked first, so braces in them do not count.

Usage: check_shape.py [--max-file N] [--max-function N] DIR...   (exit 1 when a limit is broken)
Only the Python standard library is used, so any python3 runs it.
"""
import argparse
import pathlib
import re
import sys

SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}


def blank_comments_and_strings(text):
    """Replaces comments and literals with spaces, keeping newlines (and so line numbers)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == 'R' and text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if m:
                end = text.find(")" + m.group(1) + '"', i)
                j = n if end < 0 else end + len(m.group(1)) + 2
                out.append(re.sub(r"[^\n]", " ", text[i:j]))
                i = j
            else:
                out.append(c)
                i += 1
        elif c in "\"'":
            # A digit separator (1'000'000) is not a character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text):
    """Yields (first line, last line, signature) of each function body in `text`."""
    clean = blank_comments_and_strings(text)
    stack = []  # per open brace: "function" | "scope" | "other"
    start = 0   # offset just after the last ; { or } at the current level
    open_at = []
    for i, c in enumerate(clean):
        if c == "{":
            head = clean[start:i]
            inside_function = "function" in stack
            kind = "other"
            if not inside_function:
                words = head.split()
                if re.search(r"\b(namespace|class|struct|union|enum)\b", head) and ")" not in head:
                    kind = "scope"
                elif re.search(r"\)\s*(const|override|final|noexcept|mutable|->[^{]*|\s)*$", head) \
                        or re.search(r"\)\s*:\s*[\s\S]*$", head):
                    kind = "function"
                elif not words:
                    kind = "other"
                elif head.rstrip().endswith("extern \"C\"") or head.rstrip() == "extern":
                    kind = "scope"
            stack.append(kind)
            open_at.append(i)
            start = i + 1
        elif c == "}":
            if stack:
                kind = stack.pop()
                at = open_at.pop()
                if kind == "function":
                    first = clean.count("\n", 0, at) + 1
                    last = clean.count("\n", 0, i) + 1
                    sig_start = clean.rfind("\n", 0, at)
                    yield first, last, text[sig_start + 1:text.find("\n", at)].strip()
            start = i + 1
        elif c == ";" and "function" not in stack:
            start = i + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-file", type=int, default=400)
    ap.add_argument("--max-function", type=int, default=80)
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    problems = []
    longest = (0, "")
    for d in args.dirs:
        for path in sorted(pathlib.Path(d).rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
            if n_lines > args.max_file:
                problems.append(f"{path}: {n_lines} lines (limit {args.max_file})")
            for first, last, sig in functions(text):
                length = last - first + 1
                if length > longest[0]:
                    longest = (length, f"{path}:{first}")
                if length > args.max_function:
                    problems.append(f"{path}:{first}: function of {length} lines "
                                    f"(limit {args.max_function}): {sig[:80]}")
    for p in problems:
        print(p)
    print(f"longest function: {longest[0]} lines at {longest[1]}; "
          f"{len(problems)} over the limits")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
