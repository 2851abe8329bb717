"Every chapter notebook runs top to bottom through nbdev's test machinery; each notebook is one pytest test."
from pathlib import Path
import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT/'nbs').glob('*.ipynb'))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb, monkeypatch):
    monkeypatch.chdir(ROOT)
    skip = get_config().tst_flags.split()
    ok, seconds = run_notebook(nb, skip_flags=skip, basepath=ROOT)
    print(f'{nb.name}: {seconds:.1f}s')
    assert ok, f'{nb.name} failed: the traceback is printed above'

def code_cells_that_do_not_compile(nb:Path)->list:
    "(cell index, error) of every code cell whose source (IPython syntax allowed) is not valid Python."
    import json
    from IPython.core.inputtransformer2 import TransformerManager
    bad, ipython = [], TransformerManager()
    for i, cell in enumerate(json.loads(nb.read_text(encoding='utf-8'))['cells']):
        source = ''.join(cell['source'])
        if cell['cell_type'] != 'code' or not source.strip(): continue
        try: compile(ipython.transform_cell(source), f'{nb.name} cell {i}', 'exec')
        except SyntaxError as e: bad.append((i, f'line {e.lineno}: {e.msg}'))
    return bad

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_code_cell_compiles(nb):
    "nbdev's runner (execnb) reports a cell that does not compile as a success, so every cell is compiled here."
    assert code_cells_that_do_not_compile(nb) == []

def test_compile_check_catches_a_broken_cell(tmp_path):
    import json
    nb = tmp_path/'x.ipynb'
    cells = [dict(cell_type='code', source=["!pip install x\n", "%matplotlib inline\n", "print(1)"]),
             dict(cell_type='code', source=["test_eq(1, 1)test_eq(2, 2)\n"])]
    nb.write_text(json.dumps(dict(cells=cells)), encoding='utf-8')
    assert [i for i, _ in code_cells_that_do_not_compile(nb)] == [1]
