"The built wheel is the whole library: it installs on its own, runs without the dev tools, and exposes the CLI."
import subprocess, sys, zipfile, email
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in (ROOT/'bertcourse').glob('*.py'))

@pytest.fixture(scope='module')
def wheel(tmp_path_factory)->Path:
    "A wheel built from the checkout, as pip would build it for users."
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob('bertcourse-*.whl'))

def test_wheel_holds_every_module_and_the_console_script(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for module in MODULES: assert f'bertcourse/{module}.py' in names, module
    entry_points = next(n for n in names if n.endswith('entry_points.txt'))
    assert 'bertcourse = bertcourse.cli:main' in zipfile.ZipFile(wheel).read(entry_points).decode()

def test_wheel_requires_runtime_stack_but_no_dev_tools(wheel):
    meta_name = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith('METADATA'))
    meta = email.message_from_bytes(zipfile.ZipFile(wheel).read(meta_name))
    required = [r for r in meta.get_all('Requires-Dist') if 'extra ==' not in r]
    names = {r.split(';')[0].split('>')[0].split('=')[0].split('<')[0].strip().lower() for r in required}
    assert {'torch', 'transformers', 'tokenizers', 'datasets', 'accelerate', 'korpora'} <= names
    assert not names & {'nbdev', 'fastcore', 'execnb', 'pytest', 'jupyterlab'}

BLOCK_DEV_TOOLS = "import sys; sys.modules.update(nbdev=None, fastcore=None, execnb=None)\n"

def test_installed_copy_runs_the_cli_without_dev_tools(wheel, tmp_path):
    site = tmp_path/'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q', '--target', str(site), str(wheel)],
                   check=True, capture_output=True)
    script = BLOCK_DEV_TOOLS + (
        f"sys.path.insert(0, {str(site)!r})\n"
        "import importlib, bertcourse\n"
        f"assert bertcourse.__file__.startswith({str(site)!r}), bertcourse.__file__\n"
        f"for m in {MODULES!r}: importlib.import_module('bertcourse.' + m)\n"
        "from bertcourse.cli import main\n"
        "raise SystemExit(main(['data', '--root', 'corpora', '--size', 'tiny']))\n")
    run = subprocess.run([sys.executable, '-c', script], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path/'corpora'/'nsmc'/'ratings_train.txt').exists()
    assert 'nsmc' in run.stdout
