#!/usr/bin/env python3
"""Rewrites the expected trees of the failing corpus tests with the parser's
actual output, pretty printed with field names.

`tree-sitter test --update` refuses to rewrite a test whose tree holds an
ERROR or MISSING node (every test in recovery.txt); this script does not.
It trusts the parser blindly: read every rewritten tree (`git diff`) and
confirm it is what the notation means before keeping it.

Run from grammar/:  python3 test/fill-expected.py
"""
import json
import os
import re
import subprocess

GRAMMAR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(GRAMMAR, 'test', 'corpus')


def actual_trees():
    out = subprocess.run(['tree-sitter', 'test', '--json-summary'], cwd=GRAMMAR,
                         capture_output=True, text=True).stdout
    summary = json.loads(out[out.index('{'):])
    trees = {}
    for failure in summary['parse_failures']:
        assert failure['name'] not in trees, 'duplicate test name ' + failure['name']
        trees[failure['name']] = (failure['is_cst'], failure['actual'])
    return trees


def pretty(sexp):
    """One node a line, two spaces a level, `field: (node` on the node's line."""
    toks = re.findall(r'\(|\)|[^\s()]+', sexp)
    is_field = lambda t: t.endswith(':') and not t.startswith('"')
    lines, depth, field, i = [], 0, None, 0
    while i < len(toks):
        t = toks[i]
        if t == '(':
            head = []
            i += 1
            while toks[i] not in '()' and not is_field(toks[i]):
                head.append(toks[i])
                i += 1
            lines.append('  ' * depth + (field + ' ' if field else '') + '(' + ' '.join(head))
            field = None
            depth += 1
            continue
        if t == ')':
            lines[-1] += ')'
            depth -= 1
        elif is_field(t):
            field = t
        else:
            raise SystemExit('unexpected token %r in %s' % (t, sexp))
        i += 1
    return '\n'.join(lines)


TEST = re.compile(r'(^={3,}\n)(.*?)(^={3,}\n)(.*?)(^-{3,}\n)(.*?)(?=^={3,}\n|\Z)', re.S | re.M)


def main():
    trees = actual_trees()
    for name in sorted(os.listdir(CORPUS)):
        path = os.path.join(CORPUS, name)
        data = open(path, newline='').read()
        pieces, changed = [], False
        for m in TEST.finditer(data):
            test_name = m.group(2).split('\n')[0]
            expected = m.group(6)
            if test_name in trees:
                cst, tree = trees[test_name]
                last = m.end() == len(data)
                expected = '\n' + (tree.strip() if cst else pretty(tree)) + '\n' + ('' if last else '\n')
                changed = True
                print('rewrote', name, '::', test_name)
            pieces.append(''.join(m.group(i) for i in range(1, 6)) + expected)
        if changed:
            open(path, 'w', newline='').write(''.join(pieces))


if __name__ == '__main__':
    main()
