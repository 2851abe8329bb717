#!/usr/bin/env python
"""Execute the chapter notebooks in place, so every saved notebook carries its outputs.

    python tools/execute_notebooks.py                 # all of nbs/, in course order (00_core ... 09_course, index)
    python tools/execute_notebooks.py 00_core 08_cli  # only these (names, with or without .ipynb)
    python tools/execute_notebooks.py --skip-slow     # also skip `#| slow` cells (they run by default)
    python tools/execute_notebooks.py --nbs /tmp/copy # another notebook folder

Each notebook runs top to bottom in a real Jupyter kernel (nbclient + ipykernel) with the working directory set
to the notebook folder, on the embedded sample data, with a fixed environment (PYTHONHASHSEED=0, TQDM_DISABLE=1,
HF_HUB_OFFLINE=1, TRANSFORMERS_VERBOSITY=error, matplotlib at 90 dpi) and this checkout first on PYTHONPATH.
Cells marked `#| eval: false` and the settings.ini `tst_flags` other than `slow` (i.e. `#| gpu`) never run.

Afterwards the outputs are scrubbed: temporary directories become `$TMP`, this checkout `$REPO`, the Python
prefix `$PYTHON` and the home directory `~`; widget and progress-bar outputs are dropped; then nbdev's own
cleaning (`nbdev.clean.clean_nb` with the settings.ini options) removes execution counts and metadata, so a later
`nbdev_clean` changes nothing. A notebook is replaced only when it ran without error and no single output is
larger than 500 KB (it is written to a temporary file and renamed). An error stops everything with the notebook
name, the cell and the traceback.
"""
import argparse, json, os, re, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbrules import ROOT, MAX_OUTPUT_BYTES, skip_reason, tst_flags, check_notebook, source

DPI = 90
SETUP = f"""%matplotlib inline
import os, warnings, matplotlib
warnings.filterwarnings('ignore', message='IProgress not found')   # tqdm.auto without ipywidgets
matplotlib.rcParams.update({{'figure.dpi': {DPI}, 'savefig.dpi': {DPI}}})
os.environ['MPLBACKEND'] = 'Agg'   # for subprocesses the notebook starts
"""
ENV = dict(PYTHONHASHSEED='0', TQDM_DISABLE='1', HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', HF_DATASETS_OFFLINE='1',
           HF_DATASETS_DISABLE_PROGRESS_BARS='1', TRANSFORMERS_VERBOSITY='error', TOKENIZERS_PARALLELISM='false',
           GRADIO_ANALYTICS_ENABLED='False', MPLBACKEND='Agg', PYDEVD_DISABLE_FILE_VALIDATION='1')
WIDGET = 'application/vnd.jupyter.widget-view+json'
PROGRESS = re.compile(r'\d+%\|.*\||\d+(\.\d+)?(it/s|s/it)\]|^\s*\r|TqdmWarning|from \.autonotebook import')

class NotebookFailed(Exception): pass

def placeholders()->list:
    "(regex, replacement) pairs that turn this machine's paths into stable placeholders."
    tmp = {tempfile.gettempdir(), os.path.realpath(tempfile.gettempdir()), '/tmp'}
    pairs = [(re.escape(t) + r"/[^/\s'\"<>)\]]+", '$TMP') for t in sorted(tmp, key=len, reverse=True)]
    for p, name in sorted([(str(ROOT), '$REPO'), (os.path.realpath(ROOT), '$REPO'), (sys.prefix, '$PYTHON'),
                           (sys.base_prefix, '$PYTHON'), (str(Path.home()), '~')], key=lambda x: len(x[0]), reverse=True):
        if p and p != '/': pairs.append((re.escape(p) + r'(?![\w.-])', name))
    return [(re.compile(r), s) for r, s in pairs]

def _scrub_text(text, subs):
    joined = text if isinstance(text, str) else ''.join(text)
    for rx, rep in subs: joined = rx.sub(lambda m, rep=rep: rep, joined)
    return joined

def scrub(nb, subs=None):
    "Drop widget/progress outputs and replace machine paths in all text outputs of `nb` (in place)."
    subs = subs or placeholders()
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        kept = []
        for o in cell.get('outputs', []):
            if WIDGET in o.get('data', {}): continue
            if o.output_type == 'stream':
                text = _scrub_text(o.text, subs)
                if o.name == 'stderr':
                    text = ''.join(l for l in text.splitlines(keepends=True) if not PROGRESS.search(l))
                if not text.strip(): continue
                o.text = text
            for k, v in o.get('data', {}).items():
                if k.startswith('text/'): o.data[k] = _scrub_text(v, subs)
            kept.append(o)
        cell.outputs = kept
    return nb

def oversized(nb)->list:
    "(cell index, KB) of every output larger than MAX_OUTPUT_BYTES."
    return [(i, len(json.dumps(o, ensure_ascii=False).encode()) / 1e3) for i, c in enumerate(nb.cells)
            for o in c.get('outputs', []) if len(json.dumps(o, ensure_ascii=False).encode()) > MAX_OUTPUT_BYTES]

def clean(nb)->str:
    "The notebook text exactly as `nbdev_clean` would write it (settings.ini options)."
    import nbformat
    from nbdev.clean import clean_nb
    from execnb.nbio import nb2str, dict2nb
    from nbdev.config import get_config
    d = json.loads(nbformat.writes(nb))
    cfg = get_config(path=ROOT)
    clean_nb(d, cfg.clear_all, cfg.get('allowed_metadata_keys').split(), cfg.get('allowed_cell_metadata_keys').split(), cfg.clean_ids)
    return nb2str(d)

def make_client(nb, cwd, skip, timeout):
    from nbclient import NotebookClient
    class Client(NotebookClient):
        current = None
        async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
            if cell.cell_type == 'code' and cell_index > 0 and skip_reason(cell, skip):
                cell.outputs = []; return cell
            self.current = cell_index
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
    return Client(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(cwd)}},
                  record_timing=False, store_widget_state=False, coalesce_streams=True,
                  extra_arguments=['--IPKernelApp.log_level=ERROR'])

def execute(path:Path, skip=('gpu',), timeout=1200)->float:
    "Execute one notebook in place; returns seconds. Raises NotebookFailed with the cell and traceback."
    import nbformat
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(path, as_version=4)
    if not any(c.cell_type == 'code' and source(c).strip() for c in nb.cells): return 0.0
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    client = make_client(nb, path.parent, skip, timeout)
    t0 = time.time()
    try: client.execute()
    except (CellExecutionError, Exception) as e:
        where = f'cell {client.current - 1}' if client.current else 'kernel start / setup cell'   # the setup cell is not saved
        src = source(nb.cells[client.current]) if client.current else SETUP
        raise NotebookFailed(f'{path.name}: {where} failed\n--- cell source ---\n{src}\n--- error ---\n{e}') from None
    seconds = time.time() - t0
    del nb.cells[0]
    scrub(nb)
    if big := oversized(nb):
        raise NotebookFailed(f'{path.name}: outputs larger than {MAX_OUTPUT_BYTES/1e3:.0f} KB: '
                             + ', '.join(f'cell {i} ({kb:.0f} KB)' for i, kb in big) + '; make the cell print less or plot smaller')
    text = clean(nb)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.stem}-', suffix='.ipynb.tmp')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f: f.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)              # keep the notebook's permissions (mkstemp makes 0600)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp): os.unlink(tmp)
    return seconds

def course_order(nbs:Path, names=())->list:
    "Notebooks to run: `names` (stem, file name or glob) or all, chapters in number order then index."
    if names:
        out = []
        for n in names:
            hits = sorted(nbs.glob(n if n.endswith('.ipynb') or '*' in n else f'{n}.ipynb'))
            if not hits: sys.exit(f'no notebook {n!r} in {nbs}')
            out += hits
        return out
    return sorted(nbs.glob('[0-9]*.ipynb')) + sorted(p for p in nbs.glob('*.ipynb') if not p.name[0].isdigit())

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('names', nargs='*', help='notebooks to execute (default: all, in course order)')
    ap.add_argument('--nbs', default=str(ROOT/'nbs'), help='notebook folder (default: the repo nbs/)')
    ap.add_argument('--skip-slow', action='store_true', help='also skip cells marked #| slow')
    ap.add_argument('--timeout', type=int, default=1200, help='seconds one cell may run')
    a = ap.parse_args(argv)
    nbs = Path(a.nbs).resolve()
    skip = tuple(f for f in tst_flags() if f != 'slow') + (('slow',) if a.skip_slow else ())
    os.environ.update(ENV)
    os.environ['PYTHONPATH'] = os.pathsep.join([str(ROOT)] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p])
    total = time.time()
    for path in course_order(nbs, a.names):
        print(f'{path.name} ...', end=' ', flush=True)
        try: seconds = execute(path, skip, a.timeout)
        except NotebookFailed as e:
            print('FAILED'); print(e, file=sys.stderr); return 1
        problems = check_notebook(path, skip)
        print(f'{seconds:.1f}s' if seconds else 'no code, unchanged')
        for p in problems: print(f'  WARNING {p}')
    print(f'total {time.time() - total:.1f}s')
    return 0

if __name__ == '__main__': sys.exit(main())
