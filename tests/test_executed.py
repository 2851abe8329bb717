"""The chapter notebooks are saved *with* their outputs, so a learner reading them (on GitHub, in the site) sees results.

Rule (tools/nbrules.py): a code cell "speaks" when it runs (not `#| eval: false`, not a skipped tst_flag such as
`#| gpu`), is not nbdev plumbing (`export`, `hide`, `default_exp`) and prints, displays or plots something or ends in a
bare expression that is not a `test_*` call. At least 60% of a chapter's speaking cells must carry outputs; a
chapter that calls `plt.show()` must carry at least one image; no saved output may contain a temporary or absolute
path of the machine, an error, or be larger than 500 KB.

Fix a failure with `python tools/execute_notebooks.py [name]`. Point the test at another folder with
`BERTCOURSE_EXECUTED_NBS=/path/to/nbs python -m pytest tests/test_executed.py`.
"""
import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
from nbrules import check_notebook, tst_flags

NBS = Path(os.environ.get('BERTCOURSE_EXECUTED_NBS', ROOT/'nbs'))
CHAPTERS = sorted(NBS.glob('[0-9]*.ipynb'))

def test_chapters_found():
    assert CHAPTERS, f'no chapter notebooks (NN_name.ipynb) in {NBS}'

@pytest.mark.parametrize('nb', CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_saved_with_outputs(nb):
    skip = tuple(f for f in tst_flags(ROOT) if f != 'slow')
    problems = check_notebook(nb, skip)
    assert not problems, '\n'.join(problems)

def test_checker_catches_missing_outputs_paths_and_size(tmp_path):
    "The rules themselves, on a synthetic notebook (runs even when the chapters are not executed yet)."
    import json, tempfile
    import nbformat as nf
    def nb_with(outputs):
        cell = nf.v4.new_code_cell("print('안녕')\nplt.show()"); cell.outputs = outputs
        nb = nf.v4.new_notebook(cells=[nf.v4.new_code_cell('#| export\ndef f(): pass'), cell])
        p = tmp_path/'01_x.ipynb'; nf.write(nb, p); return p
    stream = lambda t: nf.v4.new_output('stream', name='stdout', text=t)
    png = nf.v4.new_output('display_data', data={'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>'})
    assert check_notebook(nb_with([stream('안녕\n'), png])) == []
    assert 'carry outputs' in check_notebook(nb_with([]))[0]
    assert 'no image output' in check_notebook(nb_with([stream('안녕\n')]))[0]
    assert 'machine path' in check_notebook(nb_with([stream(f'{tempfile.gettempdir()}/tmpab12cd/x\n'), png]))[0]
    assert 'machine path' in check_notebook(nb_with([stream(f'{ROOT}/nbs\n'), png]))[0]
    assert 'machine path' in check_notebook(nb_with([stream('/home/kim/bert/x\n'), png]))[0]
    assert check_notebook(nb_with([stream('$TMP/tokenizer ~/x $REPO/nbs\n'), png])) == []
    assert 'KB' in check_notebook(nb_with([stream('x' * 600_000), png]))[0]
