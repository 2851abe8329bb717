"Every chapter opens in Colab: a badge pointing at its own notebook, and an install cell that only acts in Colab and installs."
import configparser, json, re, subprocess, sys, types
from unittest import mock
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob('nbs/[0-9][0-9]_*.ipynb'))
cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
SETTINGS = cfg['DEFAULT']
PIP_LINE = re.compile(r"pip install -q (['\"]?)(?:(\w+)(\[\w+\])? @ )?git\+(\S+?)\1'\)")

def cells(nb:Path)->list[tuple[str, str]]:
    "(cell type, source) of every cell of `nb`."
    return [(c['cell_type'], ''.join(c['source'])) for c in json.loads(nb.read_text(encoding='utf-8'))['cells']]

def install_cell(nb:Path)->tuple[int, str]:
    "Index and source of the cell that installs the package in Colab."
    found = [(i, src) for i, (kind, src) in enumerate(cells(nb)) if kind == 'code' and 'google.colab' in src]
    assert len(found) == 1, f"{nb.name}: expected one Colab install cell, found {len(found)}"
    return found[0]

def test_every_chapter_is_covered():
    assert len(CHAPTERS) >= 10, [nb.name for nb in CHAPTERS]

@pytest.mark.parametrize('nb', CHAPTERS, ids=lambda p: p.stem)
def test_badge_opens_this_notebook_from_the_published_repository(nb):
    url = (f"https://colab.research.google.com/github/{SETTINGS['user']}/{SETTINGS['repo']}/blob/{SETTINGS['branch']}/"
           f"nbs/{nb.name}")
    badges = [src for kind, src in cells(nb) if kind == 'markdown' and 'colab-badge.svg' in src]
    assert len(badges) == 1 and f"]({url})" in badges[0], f"{nb.name}: expected one badge linking {url}"
    assert SETTINGS['git_url'] == f"https://github.com/{SETTINGS['user']}/{SETTINGS['repo']}"

@pytest.mark.parametrize('nb', CHAPTERS, ids=lambda p: p.stem)
def test_install_cell_comes_before_any_import_of_the_package(nb):
    at, src = install_cell(nb)
    first_import = next(i for i, (kind, s) in enumerate(cells(nb)) if kind == 'code' and re.search(r'\bbertcourse\b', s)
                        and 'google.colab' not in s)
    assert at < first_import, f"{nb.name}: the install cell (#{at}) must precede the first import (#{first_import})"
    name, extra, url = PIP_LINE.search(src).group(2, 3, 4)
    assert url == SETTINGS['git_url'] and name in (None, SETTINGS['lib_name']) and extra in (None, '[demo]'), src

def run_install_cell(src:str, in_colab:bool)->list[str]:
    "The shell commands the cell runs, in or outside Colab (get_ipython is a recorder)."
    commands = []
    shell = types.SimpleNamespace(system=commands.append)
    with mock.patch.dict(sys.modules, {'google.colab': types.ModuleType('google.colab')} if in_colab else {}):
        exec(compile(src, 'install cell', 'exec'), {'get_ipython': lambda: shell})
    return commands

@pytest.mark.parametrize('nb', CHAPTERS, ids=lambda p: p.stem)
def test_install_cell_acts_only_in_colab(nb):
    src = install_cell(nb)[1]
    assert run_install_cell(src, in_colab=False) == []
    (command,) = run_install_cell(src, in_colab=True)
    assert command.startswith('pip install') and SETTINGS['git_url'] in command

@pytest.fixture(scope='module')
def published(tmp_path_factory)->Path:
    "A clone of this repository's HEAD: what Colab's pip fetches from the git URL."
    clone = tmp_path_factory.mktemp('published')/SETTINGS['repo']
    subprocess.run(['git', 'clone', '-q', str(ROOT), str(clone)], check=True, capture_output=True)
    return clone

@pytest.mark.parametrize('nb', [CHAPTERS[0], ROOT/'nbs'/'07_serve.ipynb'], ids=lambda p: p.stem)
def test_the_cells_pip_spec_installs_from_git(nb, published, tmp_path):
    "The same requirement spec, with the repository URL pointing at a local clone, builds (isolated, as in Colab) and imports."
    # file://localhost/...: pip < 24 rejects a direct URL without a host (file:///...) in a `name[extra] @ url` requirement
    spec = PIP_LINE.search(install_cell(nb)[1])
    requirement = spec.group(0)[len("pip install -q "):-2].strip('\'"').replace(SETTINGS['git_url'], f"file://localhost{published}")
    site = tmp_path/'site'
    run = subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--target', str(site), requirement],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    check = (f"import sys; sys.path.insert(0, {str(site)!r}); import bertcourse, bertcourse.cli; "
             f"assert bertcourse.__file__.startswith({str(site)!r}); print(bertcourse.__version__)")
    out = subprocess.run([sys.executable, '-c', check], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == SETTINGS['version']
