"The repository is in sync: library exported from the notebooks, notebooks clean, README fresh, CI calls the README."
import re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tests'))
from make_readme import render_readme

def tracked_files()->list[str]:
    "Files git tracks plus new ones it does not ignore."
    out = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [f for f in out.splitlines() if (ROOT/f).is_file()]

def snapshot(root:Path)->dict[str, bytes]:
    "Every file under `root`, by relative path."
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob('*') if p.is_file()}

@pytest.fixture(scope='module')
def copy_of_repo(tmp_path_factory)->Path:
    "A copy of the working tree (tracked and untracked-but-not-ignored files)."
    dst = tmp_path_factory.mktemp('repo')
    for f in tracked_files():
        (dst/f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT/f, dst/f)
    return dst

@pytest.mark.parametrize('command', [['nbdev_export'], ['nbdev_clean']])
def test_nbdev_leaves_no_diff(copy_of_repo, command):
    before = snapshot(copy_of_repo)
    subprocess.run(command, cwd=copy_of_repo, check=True, capture_output=True)
    after = snapshot(copy_of_repo)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k) and '__pycache__' not in k)
    assert not changed, f'{command[0]} changed {changed}: run it and commit the result'

def test_readme_is_generated_from_index():
    assert (ROOT/'README.md').read_text(encoding='utf-8') == render_readme(), \
        'README.md is stale: run `python tests/make_readme.py`'

def readme_commands()->list[str]:
    "The shell commands in README.md's sh blocks."
    blocks = re.findall(r'```sh\n(.*?)```', (ROOT/'README.md').read_text(encoding='utf-8'), flags=re.S)
    return [line for block in blocks for line in block.strip().splitlines()]

def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    setup = [c for c in readme_commands() if 'pip install' in c]
    assert len(setup) == 2, setup
    main_job, tests = setup
    assert 'pytest' in tests and 'pytest' not in main_job
    assert 'extract_test_command' in (ROOT/'.ci'/'run').read_text()

def test_runtime_requirements_exclude_dev_tools():
    import configparser
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    runtime = cfg['DEFAULT']['requirements'].lower()
    for dev_only in ('nbdev', 'fastcore', 'execnb', 'pytest', 'jupyter'):
        assert dev_only not in runtime, dev_only
    assert cfg['DEFAULT']['update_pyproject'] == 'False'
