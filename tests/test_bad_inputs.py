"""Every command fed bad input through the real `bertcourse` console script: exit code 2, one line on stderr that names
the argument or file (`bertcourse CMD: error: ...`), no traceback, and nothing in the working directory changed.
Also: output directories holding other files are never replaced, and a torn checkpoint is skipped when resuming."""
import hashlib, os, shutil, signal, subprocess, time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
import pytest

from bertcourse.bert import checkpoint_problem

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', HF_DATASETS_OFFLINE='1',
           TQDM_DISABLE='1', GRADIO_ANALYTICS_ENABLED='False')
PARALLEL = 4   # cases run at once (each is its own process in its own directory)

def bertcourse(*args, cwd:Path, timeout:int=600)->subprocess.CompletedProcess:
    "Run the installed `bertcourse` command in `cwd`."
    return subprocess.run(['bertcourse', *map(str, args)], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)

def ok(run:subprocess.CompletedProcess)->subprocess.CompletedProcess:
    assert run.returncode == 0, f"{' '.join(run.args)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
    return run

def snapshot(root:Path)->dict:
    "Every path under `root` with its type, mode, size, mtime and (for files) content hash."
    def entry(p:Path):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else None
        return (p.is_dir(), st.st_mode, st.st_size if digest else None, st.st_mtime_ns if digest else None, digest)
    return {str(p.relative_to(root)): entry(p) for p in sorted(root.rglob('*'))}

def linked_copy(src:Path, dst:Path)->Path:
    "A copy of `src` whose files are hard links (cheap; a command that rewrites a file in place shows up in the snapshot)."
    shutil.copytree(src, dst, copy_function=os.link)
    return dst

TOK = ['tokenizer', '--corpus', 'corpora/pretrain/corpus.txt', '--vocab-size', '2000', '--out', 'out']
PRE = ['pretrain', '--corpus', 'corpora/pretrain/corpus.txt', '--tokenizer', 'tok', '--out', 'out', '--preset', 'tiny',
       '--max-steps', '4', '--batch-size', '16', '--max-seq-length', '64']
FT = ['finetune', '--task', 'nsmc', '--model', 'pre', '--root', 'corpora', '--out', 'out', '--epochs', '1',
      '--max-steps', '4', '--batch-size', '16', '--max-seq-length', '64']
PREDICT = ['predict', '--model', 'ft', '최고의 영화']

def with_(argv:list, *pairs, drop:tuple=())->list:
    "`argv` with each (option, value) in `pairs` set (replaced if present, else appended) and the options in `drop` removed."
    argv = list(argv)
    for option in drop:
        i = argv.index(option); del argv[i:i + 2]
    for option, value in pairs:
        if option in argv: argv[argv.index(option) + 1] = value
        else: argv += [option, value]
    return argv

@pytest.fixture(scope='module')
def base(tmp_path_factory)->dict:
    "Tiny sample corpora, a tokenizer (tok), a pretrained model (pre) and a fine-tuned one (ft), all made by the CLI."
    w = tmp_path_factory.mktemp('base')
    ok(bertcourse('data', '--root', 'corpora', '--size', 'tiny', cwd=w))
    ok(bertcourse(*with_(TOK, ('--out', 'tok')), cwd=w))
    ok(bertcourse(*with_(PRE, ('--out', 'pre')), cwd=w))
    finetune = ok(bertcourse(*with_(FT, ('--out', 'ft')), cwd=w))
    return dict(dir=w, finetune=finetune)

@dataclass
class Case:
    "One bad command line: what it must name on the first stderr line; `setup` prepares its directory first."
    id: str
    argv: list
    names: tuple = ()
    setup: object = None
    lead: bool = False   # fixed by the lead's validation in train/pretraining (02, 04)

def other_files_in(rel:str):
    "A setup that makes directory `rel` hold an empty tokenizer.json and a file of the user's."
    def setup(w:Path):
        (w/rel).mkdir(); (w/rel/'tokenizer.json').write_text('{}\n'); (w/rel/'precious.txt').write_text('x\n')
    return setup

def directory_at(rel:str):
    "A setup that replaces file `rel` by a directory."
    def setup(w:Path): (w/rel).unlink(); (w/rel).mkdir()
    return setup

def read_only(rel:str):
    "A setup that makes a read-only directory `rel`."
    def setup(w:Path): (w/rel).mkdir(); (w/rel).chmod(0o555)
    return setup

CASES = [
    # tokenizer (03): every option checked before any work
    Case('tokenizer-vocab-huge', with_(TOK, ('--vocab-size', '1000000000')), ('vocab_size=1000000000',)),
    Case('tokenizer-vocab-0', with_(TOK, ('--vocab-size', '0')), ('vocab_size=0',)),
    Case('tokenizer-vocab-too-small', with_(TOK, ('--vocab-size', '10')), ('vocab_size=10', 'too small')),
    Case('tokenizer-vocab-not-a-number', with_(TOK, ('--vocab-size', 'abc')), ('--vocab-size', "'abc'")),
    Case('tokenizer-max-length-0', with_(TOK, ('--max-length', '0')), ('max_length=0',)),
    Case('tokenizer-limit-alphabet-0', with_(TOK, ('--limit-alphabet', '0')), ('limit_alphabet=0',)),
    Case('tokenizer-min-frequency-0', with_(TOK, ('--min-frequency', '0')), ('min_frequency=0',)),
    Case('tokenizer-heldout-1', with_(TOK, ('--heldout', '1')), ('heldout=1.0',)),
    Case('tokenizer-bpe-limit-alphabet', with_(TOK, ('--kind', 'bpe'), ('--limit-alphabet', '500')), ('limit_alphabet=500', 'wordpiece only')),
    Case('tokenizer-corpus-missing', with_(TOK, ('--corpus', 'nope.txt')), ('nope.txt',)),
    Case('tokenizer-corpus-directory', with_(TOK, ('--corpus', 'corpora')), ('corpora', 'found a directory')),
    Case('tokenizer-out-below-a-file', with_(TOK, ('--out', 'corpora/pretrain/corpus.txt/tok')), ('corpora/pretrain/corpus.txt/tok', 'corpora/pretrain/corpus.txt is a file')),
    Case('tokenizer-out-is-a-file', with_(TOK, ('--out', 'corpora/pretrain/corpus.txt')), ('corpus.txt', 'found a file')),
    # data (01): a directory where a file belongs
    Case('finetune-corpus-file-is-a-directory', FT, ('ratings_train.txt', 'expected a file, found a directory'),
         setup=directory_at('corpora/nsmc/ratings_train.txt'), lead=True),   # the message is right; 02 loads the model (stderr noise) first
    # an output directory that holds anything but an earlier artefact of the same kind is never replaced
    Case('tokenizer-out-holds-other-files', with_(TOK, ('--out', 'm')), ('m', 'precious.txt'), setup=other_files_in('m')),
    Case('pretrain-out-holds-other-files', with_(PRE, ('--out', 'm')), ('m', 'precious.txt'), setup=other_files_in('m')),
    Case('finetune-out-holds-other-files', with_(FT, ('--out', 'm')), ('m', 'precious.txt'), setup=other_files_in('m')),
    Case('tokenizer-out-is-a-finetuned-model', with_(TOK, ('--out', 'ft')), ('ft', 'finetune')),
    Case('pretrain-out-is-a-tokenizer', with_(PRE, ('--out', 'tok')), ('tok', 'tokenizer')),
    # finetune (02, the lead's validation)
    *[Case(f'finetune-{option[2:]}-{value}', with_(FT, (option, value), drop=drop), (name,), lead=True)
      for option, value, name, drop in [('--limit', '0', 'limit=0', ()), ('--limit', '-5', 'limit=-5', ()),
                                        ('--learning-rate', '-1', 'learning_rate=-1.0', ()), ('--batch-size', '0', 'batch_size=0', ()),
                                        ('--cpu-workers', '-1', 'cpu_workers=-1', ()), ('--max-steps', '0', 'max_steps=0', ()),
                                        ('--epochs', '0', 'epochs=0', ('--max-steps',)), ('--warmup-ratio', '5', 'warmup_ratio=5.0', ())]],
    # pretrain (04, the lead's validation)
    *[Case(f'pretrain-{option[2:]}-{value}', with_(PRE, (option, value), drop=drop), names, lead=True)
      for option, value, names, drop in [('--learning-rate', '-1', ('learning_rate=-1.0',), ()), ('--batch-size', '0', ('batch_size=0',), ()),
                                         ('--max-steps', '0', ('max_steps=0',), ()), ('--epochs', '0', ('epochs=0',), ('--max-steps',)),
                                         ('--tokenizer', 'corpora', ('corpora',), ()), ('--tokenizer', 'nope', ('nope',), ()),
                                         ('--init-from', 'tok', ('tok',), ()),
                                         ('--generator-size', '2', ('generator_size=2.0',), ()),
                                         ('--discriminator-weight', '0', ('discriminator_weight=0.0',), ())]],
    # predict (02, the lead's validation)
    Case('predict-batch-size-0', with_(PREDICT, ('--batch-size', '0')), ('batch_size=0',), lead=True),
    Case('predict-pretrained-only-model', with_(PREDICT, ('--model', 'pre')), ('pre',), lead=True),
    # course (09): a preset for real corpora without one
    Case('course-real-cpu-without-root', ('course', '--preset', 'real-cpu', '--out', 'rc'), ("preset 'real-cpu'", '--root')),
    Case('predict-empty-text', ['predict', '--model', 'ft', ''], ('input 1',), lead=True),
    Case('predict-input-is-a-directory', with_(PREDICT, ('--input', 'corpora')), ('corpora',)),
]

CASE_TIMEOUT = 120   # a bad input must be refused before any work; most of this is the start of Python + torch on a busy machine

def _run_case(case:Case, base_dir:Path, root:Path):
    "(run, snapshot before, snapshot after) of one case in its own linked copy of the base directory."
    w = linked_copy(base_dir, root/case.id)
    if case.setup: case.setup(w)
    before = snapshot(w)
    try: run = bertcourse(*case.argv, cwd=w, timeout=CASE_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        run = subprocess.CompletedProcess(e.cmd, None, e.stdout or '', f"still running after {CASE_TIMEOUT} s\n{e.stderr or ''}")
    return run, before, snapshot(w)

@pytest.fixture(scope='module')
def outcomes(base, request, tmp_path_factory)->dict:
    "The selected cases, run several at a time (each starts a Python that imports torch: the cost is the start, not the work)."
    selected = {item.callspec.params['case'].id for item in request.session.items
                if hasattr(item, 'callspec') and isinstance(item.callspec.params.get('case'), Case)}
    cases, root = [c for c in CASES if c.id in selected], tmp_path_factory.mktemp('cases')
    with ThreadPoolExecutor(PARALLEL) as pool:
        return dict(zip([c.id for c in cases], pool.map(lambda c: _run_case(c, base['dir'], root), cases)))

@pytest.mark.parametrize('case', CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(case, outcomes):
    run, before, after = outcomes[case.id]
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2, f"exit {run.returncode}{' (lead: 02/04 validation)' if case.lead else ''}\n{run.stdout[-1500:]}\n{run.stderr[-3000:]}"
    assert lines and lines[0].startswith(f'bertcourse {case.argv[0]}: error:'), run.stderr[-3000:]
    for name in case.names: assert name in lines[0], f"{name!r} not named in: {lines[0]}"
    assert 'Traceback' not in run.stderr
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"changed: {changed[:10]}"

def test_data_check_names_a_directory_where_a_file_belongs(base, tmp_path):
    "A partial root is checked as far as it is readable: the directory is named, the other corpora are read (exit 0)."
    w = linked_copy(base['dir'], tmp_path/'w')
    directory_at('corpora/nsmc/ratings_train.txt')(w)
    run = ok(bertcourse('data', '--root', 'corpora', '--check', cwd=w))
    assert 'ratings_train.txt: expected a file, found a directory' in run.stdout, run.stdout[-2000:]
    assert 'kornli train' in run.stdout

@pytest.mark.skipif(os.geteuid() == 0, reason='root may write into a read-only directory')
def test_out_in_a_read_only_directory(base, tmp_path):
    w = linked_copy(base['dir'], tmp_path/'w')
    read_only('ro')(w)
    run = bertcourse(*with_(TOK, ('--out', 'ro/tok')), cwd=w)
    assert run.returncode == 2 and run.stderr.startswith('bertcourse tokenizer: error: cannot write ro/tok: Permission denied'), run.stderr
    assert list((w/'ro').iterdir()) == []

def test_finetune_names_the_lines_it_skipped(base):
    "The tiny sample has defects on purpose: fine-tuning says which file:line it skipped (lead: 02)."
    assert 'ratings_train.txt:' in base['finetune'].stderr, base['finetune'].stderr[-2000:]

def test_finished_finetune_is_not_trained_again(base, tmp_path):
    "Rerunning the very same finetune reports it finished instead of retraining (lead: 02)."
    w = linked_copy(base['dir'], tmp_path/'w')
    weights = snapshot(w/'ft')
    run = ok(bertcourse(*with_(FT, ('--out', 'ft')), cwd=w))
    assert snapshot(w/'ft') == weights, 'the finished model was retrained'
    assert 'eval_accuracy' in run.stdout

def test_data_reads_reordered_columns_by_name_and_stops_at_other_columns(base, tmp_path):
    w = linked_copy(base['dir'], tmp_path/'w')
    test_file = w/'corpora'/'nsmc'/'ratings_test.txt'
    rows = test_file.read_text(encoding='utf-8').splitlines()[1:]
    test_file.unlink(); test_file.write_text('document\tid\tlabel\n' + ''.join(f"{d}\t{i}\t{l}\n" for i, d, l in
                                             (r.split('\t') for r in rows if r.count('\t') == 2)), encoding='utf-8')
    run = ok(bertcourse('data', '--root', 'corpora', '--check', cwd=w))
    assert 'reordered columns' in run.stdout and 'wrong header' not in run.stdout
    test_file.unlink(); test_file.write_text('id\ttext\trating\n1\t좋다\t1\n', encoding='utf-8')
    run = ok(bertcourse('data', '--root', 'corpora', '--check', cwd=w))
    assert f"{Path('corpora')/'nsmc'/'ratings_test.txt'}:1: wrong header: expected 'id\\tdocument\\tlabel'" in run.stdout
    assert 'nsmc test: 0 records' in run.stdout

def test_interrupted_pretraining_resumes_past_a_torn_checkpoint(base, tmp_path):
    "Ctrl-C: one line, exit 130; the rerun skips a checkpoint with only config.json and resumes from the newest complete one."
    w = linked_copy(base['dir'], tmp_path/'w')
    argv = with_(PRE, ('--max-steps', '5000'), ('--save-steps', '20'))   # 400 steps took 13 s: Ctrl-C came after the end
    # a shell's background job (`pytest ... &`, CI runners) inherits SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: give the child the default a user's terminal has
    child = subprocess.Popen(['bertcourse', *argv], cwd=w, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    checkpoints, deadline = w/'out'/'checkpoints', time.time() + 240
    try:
        while not any(checkpoint_problem(p) is None for p in checkpoints.glob('checkpoint-*')):
            assert child.poll() is None and time.time() < deadline, 'no complete checkpoint was written'
            time.sleep(0.2)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=120)
    finally:
        if child.poll() is None: child.kill(); child.wait()   # a failed test leaves no training process behind
    assert child.returncode == 130, stderr[-3000:]
    assert stderr.strip().splitlines()[-1] == 'bertcourse pretrain: interrupted' and 'Traceback' not in stderr
    assert sorted(p.name for p in w.iterdir() if p.name.startswith('.out.')) == []        # no staged leftovers
    assert [p.name for p in (w/'out').iterdir()] == ['checkpoints']                        # only the resumable state
    complete = max(int(p.name.split('-')[1]) for p in checkpoints.glob('checkpoint-*') if checkpoint_problem(p) is None)
    torn = checkpoints/'checkpoint-99999'
    torn.mkdir(); (torn/'config.json').write_text('{}\n')
    rerun = ok(bertcourse(*with_(argv, ('--max-steps', str(complete + 2))), cwd=w))
    assert 'checkpoint-99999' in rerun.stderr, rerun.stderr[-3000:]
    assert f'resumed from checkpoint-{complete}' in rerun.stdout, rerun.stdout
    assert (w/'out'/'model.safetensors').is_file() and not torn.exists()
