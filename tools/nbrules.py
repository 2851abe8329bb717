"""Rules shared by `execute_notebooks.py`, `build_site.py` and `tests/test_executed.py`.

A cell's nbdev directives are its leading `#| key: value` lines. This module decides which cells the
executor runs, which cells a reader is expected to see output from, and how an executed notebook is
checked (outputs present, no machine paths, no oversized output).
"""
import ast, json, os, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_OUTPUT_BYTES = 500_000          # one output (its JSON) larger than this is an error
MIN_OUTPUT_FRACTION = 0.6           # share of "speaking" cells that must carry an output
_DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def source(cell)->str: return cell['source'] if isinstance(cell['source'], str) else ''.join(cell['source'])

def directives(cell)->dict:
    "The cell's leading nbdev directives, e.g. {'eval': 'false', 'export': ''}."
    out = {}
    for line in source(cell).splitlines():
        m = _DIRECTIVE.match(line)
        if not m:
            if line.strip(): break
            continue
        out[m.group(1).lower()] = m.group(2).lower()
    return out

def strip_directives(src:str)->str:
    "`src` without its `#|` directive lines."
    return '\n'.join(l for l in src.splitlines() if not _DIRECTIVE.match(l)).strip('\n')

def tst_flags(root:Path=ROOT)->list:
    "settings.ini's tst_flags (e.g. ['slow', 'gpu'])."
    import configparser
    cp = configparser.ConfigParser(); cp.read(Path(root)/'settings.ini', encoding='utf-8')
    return cp['DEFAULT'].get('tst_flags', '').split()

def skip_reason(cell, skip_flags=('gpu',)):
    "Why the executor does not run this code cell (None: it runs)."
    d = directives(cell)
    if d.get('eval') == 'false': return 'eval: false'
    for f in skip_flags:
        if f in d: return f
    return None

PLUMBING = ('export', 'exports', 'exporti', 'hide', 'default_exp', 'include')

def speaks(cell, skip_flags=('gpu',))->bool:
    """True when a reader should see output from this code cell: it runs, it is not nbdev plumbing
    (`export`, `hide`, `default_exp`, `include: false`) and it prints, displays or plots something, or ends in a
    bare expression that is not a `test_*`/`assert` call. Pure import, definition and test-only cells do not speak."""
    if cell['cell_type'] != 'code' or skip_reason(cell, skip_flags): return False
    d = directives(cell)
    if any(k in d for k in PLUMBING): return False
    src = strip_directives(source(cell))
    if re.search(r'\b(print|display|plt\.show|\.show)\(', src): return True
    try: tree = ast.parse(src)
    except SyntaxError: return False                      # magics etc.: no opinion
    if not tree.body or not isinstance(tree.body[-1], ast.Expr): return False
    v = tree.body[-1].value
    if isinstance(v, ast.Call):
        f = v.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ''
        if name.startswith('test_') or name in ('set_seed', 'close', 'savefig', 'tight_layout'): return False
    return True

def draws(cell, skip_flags=('gpu',))->bool:
    "True when a runnable cell shows a matplotlib figure (`plt.show()`)."
    return cell['cell_type'] == 'code' and not skip_reason(cell, skip_flags) and 'plt.show()' in source(cell)

def machine_paths()->list:
    "Absolute paths of this machine that must not appear in a saved output, longest first."
    ps = {str(ROOT), str(Path.home()), sys.prefix, sys.base_prefix, os.path.realpath(tempfile.gettempdir())}
    return sorted((p for p in ps if p and p != '/' and len(p) > 4), key=len, reverse=True)

# generic shapes of machine-specific paths, whatever machine executed the notebook
FOREIGN_PATH = re.compile(r'(?<![\w$.])(/tmp/|/var/folders/|/private/var/|/home/\w+/|/Users/\w+/|/root/|[A-Z]:\\Users\\)')

def output_texts(output):
    "The text parts of one output (stream text, text/* data, traceback)."
    if 'text' in output: yield source({'source': output['text']})
    for k, v in output.get('data', {}).items():
        if k.startswith('text/') or k.endswith('json'): yield v if isinstance(v, str) else (''.join(v) if isinstance(v, list) else json.dumps(v))
    if 'traceback' in output: yield '\n'.join(output['traceback'])

def check_notebook(path:Path, skip_flags=('gpu',))->list:
    "Problems of an executed notebook (empty list: fine)."
    nb = json.loads(Path(path).read_text(encoding='utf-8'))
    cells = [c for c in nb['cells'] if c['cell_type'] == 'code']
    problems = []
    speaking = [c for c in cells if speaks(c, skip_flags)]
    with_out = [c for c in speaking if c.get('outputs')]
    if speaking and len(with_out) < MIN_OUTPUT_FRACTION * len(speaking):
        problems.append(f'{path.name}: only {len(with_out)} of {len(speaking)} cells that print/display/plot carry outputs '
                        f'(need {MIN_OUTPUT_FRACTION:.0%}); run `python tools/execute_notebooks.py {path.name}`')
    if any(draws(c, skip_flags) for c in cells) and not any('image/png' in o.get('data', {}) or 'image/svg+xml' in o.get('data', {})
                                                           for c in cells for o in c.get('outputs', [])):
        problems.append(f'{path.name}: draws plots (plt.show()) but has no image output')
    mine = machine_paths()
    for i, c in enumerate(nb['cells']):
        for o in c.get('outputs', []):
            size = len(json.dumps(o, ensure_ascii=False).encode())
            if size > MAX_OUTPUT_BYTES: problems.append(f'{path.name} cell {i}: one output is {size/1e3:.0f} KB (limit {MAX_OUTPUT_BYTES/1e3:.0f} KB)')
            if o.get('output_type') == 'error': problems.append(f'{path.name} cell {i}: saved with an error output')
            for t in output_texts(o):
                hit = next((p for p in mine if p in t), None) or (m.group(0) if (m := FOREIGN_PATH.search(t)) else None)
                if hit:
                    problems.append(f'{path.name} cell {i}: output contains the machine path {hit!r}'); break
    return problems
