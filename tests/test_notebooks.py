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
