"""Render README.md from nbs/index.ipynb (quarto is not available here, so nbdev_readme cannot).

Run `python tests/make_readme.py` after editing nbs/index.ipynb; tests/test_repo.py fails while README.md is stale.
"""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "<!-- Generated from nbs/index.ipynb by `python tests/make_readme.py`. Do not edit by hand. -->\n\n"

def _code_cell(src:str)->str|None:
    "A code cell as a fenced block, or None when a `#|` directive hides it."
    lines = src.splitlines()
    if any(re.match(r'#\|\s*(hide|eval:\s*false|export)', l) for l in lines): return None
    body = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
    return f"```python\n{body}\n```" if body else None

def render_readme(nb_path:Path=ROOT/'nbs'/'index.ipynb')->str:
    "README.md text made from the notebook's markdown and visible code cells."
    cells = json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']
    parts = []
    for cell in cells:
        src = ''.join(cell['source'])
        part = src.strip() if cell['cell_type'] == 'markdown' else _code_cell(src)
        if part: parts.append(part)
    return HEADER + '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    (ROOT/'README.md').write_text(render_readme(), encoding='utf-8')
    print('wrote', ROOT/'README.md')
