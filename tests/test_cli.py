"The `bertcourse` command end to end, as a user runs it: real subprocesses, real files, bad inputs, resume."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

ENV = dict(os.environ, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TQDM_DISABLE='1')

def bertcourse(*args, cwd, ok=True)->subprocess.CompletedProcess:
    "Run the installed `bertcourse` command; by default assert it succeeds."
    run = subprocess.run(['bertcourse', *map(str, args)], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    if ok: assert run.returncode == 0, f"bertcourse {' '.join(map(str, args))} failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
    return run

@pytest.fixture(scope='module')
def work(tmp_path_factory)->Path:
    "A directory with the tiny sample corpora, a tokenizer and a briefly pretrained model, all made by the CLI."
    w = tmp_path_factory.mktemp('cli')
    bertcourse('data', '--root', 'corpora', '--size', 'tiny', cwd=w)
    bertcourse('tokenizer', '--corpus', 'corpora/pretrain/corpus.txt', '--vocab-size', 2000, '--out', 'tok', cwd=w)
    bertcourse('pretrain', '--corpus', 'corpora/pretrain/corpus.txt', '--tokenizer', 'tok', '--out', 'pre',
               '--preset', 'tiny', '--max-steps', 6, '--batch-size', 16, '--max-seq-length', 64, cwd=w)
    return w

def test_data_writes_reads_back_and_never_overwrites(work):
    train = work/'mixed'/'nsmc'/'ratings_train.txt'   # a root of its own: the shared corpora stay whole for later tests
    train.parent.mkdir(parents=True)
    real = 'id\tdocument\tlabel\n1\t진짜 리뷰는 그대로 남아야 한다\t1\n'
    train.write_text(real, encoding='utf-8')
    out = bertcourse('data', '--root', 'mixed', '--size', 'tiny', cwd=work).stdout
    assert train.read_text(encoding='utf-8') == real
    assert 'nsmc train: 1 records' in out
    check = bertcourse('data', '--root', 'mixed', '--check', cwd=work).stdout
    assert 'kornli train' in check and 'unknown label' in check

def test_data_check_names_every_missing_file(tmp_path):
    run = bertcourse('data', '--root', tmp_path/'empty', '--check', cwd=tmp_path, ok=False)
    assert run.returncode == 2
    assert run.stderr.startswith('bertcourse data: error:')
    for name in ('ratings_train.txt', 'multinli.train.ko.tsv', 'klue-nli-v1.1_dev.json', 'corpus.txt'): assert name in run.stderr

def test_tokenizer_dir_loads_offline_with_korean_intact(work):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(work/'tok'))
    text = '영화가 정말 재미있었다'
    assert tok.unk_token_id not in tok(text)['input_ids']
    assert tok.decode(tok(text)['input_ids'], skip_special_tokens=True).replace(' ', '') == text.replace(' ', '')
    assert tok.tokenize('영화 [MASK] 좋다').count('[MASK]') == 1

def test_tokenizer_bad_inputs_leave_nothing_behind(work):
    run = bertcourse('tokenizer', '--corpus', 'missing.txt', '--vocab-size', 2000, '--out', 'tok2', cwd=work, ok=False)
    assert run.returncode == 2 and 'missing.txt' in run.stderr and not (work/'tok2').exists()
    (work/'empty.txt').write_text('')
    run = bertcourse('tokenizer', '--corpus', 'empty.txt', '--vocab-size', 2000, '--out', 'tok2', cwd=work, ok=False)
    assert run.returncode == 2 and 'empty.txt' in run.stderr and not (work/'tok2').exists()
    run = bertcourse('tokenizer', '--corpus', 'corpora/pretrain/corpus.txt', '--vocab-size', 10, '--out', 'tok2', cwd=work, ok=False)
    assert run.returncode == 2 and 'too small' in run.stderr
    (work/'mine').mkdir(); (work/'mine'/'notes.txt').write_text('keep me')
    run = bertcourse('tokenizer', '--corpus', 'corpora/pretrain/corpus.txt', '--vocab-size', 2000, '--out', 'mine', cwd=work, ok=False)
    assert run.returncode == 2 and 'did not write' in run.stderr
    assert [p.name for p in (work/'mine').iterdir()] == ['notes.txt']

def test_pretrained_model_loads_as_masked_lm_and_classifier(work):
    from transformers import BertForMaskedLM, BertForSequenceClassification, pipeline
    mlm = BertForMaskedLM.from_pretrained(str(work/'pre'))
    clf = BertForSequenceClassification.from_pretrained(str(work/'pre'), num_labels=3)
    assert mlm.config.vocab_size == clf.config.vocab_size
    fill = pipeline('fill-mask', model=str(work/'pre'), top_k=3)
    assert len(fill('영화가 정말 [MASK] 좋았다')) == 3

def test_pretrain_rejects_a_single_document_corpus(work):
    (work/'one_doc.txt').write_text('첫 문장이다.\n두 번째 문장이다.\n세 번째 문장이다.\n', encoding='utf-8')
    run = bertcourse('pretrain', '--corpus', 'one_doc.txt', '--tokenizer', 'tok', '--out', 'pre1', '--max-steps', 2, cwd=work, ok=False)
    assert run.returncode == 2 and 'document' in run.stderr

def test_finetune_pretrained_model_and_predict(work):
    out = bertcourse('finetune', '--task', 'nsmc', '--model', 'pre', '--root', 'corpora', '--out', 'nsmc',
                     '--epochs', 1, '--max-seq-length', 64, '--batch-size', 16, '--max-steps', 8, cwd=work).stdout
    assert 'eval_accuracy' in out
    metrics = json.loads((work/'nsmc'/'metrics.json').read_text())
    assert 0 <= metrics['eval_accuracy'] <= 1
    pred = bertcourse('predict', '--model', 'nsmc', '최고의 영화', '시간 아까움', cwd=work).stdout.splitlines()
    assert len(pred) == 2 and all(line.split('\t')[0] in ('negative', 'positive') for line in pred)

def test_finetune_fresh_model_on_pairs_and_predict_pairs(work):
    bertcourse('finetune', '--task', 'kornli', '--model', 'tok', '--init-from-scratch', '--root', 'corpora', '--out', 'nli',
               '--epochs', 1, '--max-seq-length', 24, '--truncation', 'proportional', '--batch-size', 16, '--max-steps', 8, cwd=work)
    assert json.loads((work/'nli'/'config.json').read_text())['pair_truncation'] == 'proportional'   # predict cuts the same way
    pred = bertcourse('predict', '--model', 'nli', '남자가 자전거를 탄다 ||| 사람이 밖에 있다', cwd=work).stdout
    assert pred.split('\t')[0] in ('entailment', 'neutral', 'contradiction')
    (work/'pairs.txt').write_text('남자가 자전거를 탄다 ||| 사람이 밖에 있다\n여자가 책을 읽는다 ||| 아무도 없다\n', encoding='utf-8')
    rows = [json.loads(line) for line in bertcourse('predict', '--model', 'nli', '--input', 'pairs.txt', '--json', cwd=work).stdout.splitlines()]
    assert [r['input'] for r in rows] == (work/'pairs.txt').read_text(encoding='utf-8').splitlines()
    assert all(set(r['probs']) == {'entailment', 'neutral', 'contradiction'} and abs(sum(r['probs'].values()) - 1) < 1e-4 for r in rows)
    run = bertcourse('predict', '--model', 'nli', '쌍이 아닌 문장', cwd=work, ok=False)
    assert run.returncode == 2 and 'pairs' in run.stderr

def test_finetune_bad_inputs(work):
    run = bertcourse('finetune', '--task', 'nsmc', '--model', 'pre', '--root', 'corpora', '--out', 'x', '--max-seq-length', 100000, cwd=work, ok=False)
    assert run.returncode == 2 and 'max_seq_length' in run.stderr
    run = bertcourse('finetune', '--task', 'nsmc', '--model', 'corpora', '--root', 'corpora', '--out', 'x', cwd=work, ok=False)
    assert run.returncode == 2 and 'tokenizer' in run.stderr
    run = bertcourse('finetune', '--task', 'kornli', '--model', 'pre', '--root', 'corpora', '--out', 'x', '--truncation', 'middle', cwd=work, ok=False)
    assert run.returncode == 2 and "invalid choice: 'middle'" in run.stderr and not (work/'x').exists()

RESUME_SCRIPT = """
import sys
from dataclasses import replace
from bertcourse.course import run_course, COURSE_PRESETS
plan = replace(COURSE_PRESETS['smoke'], pretrain_max_steps=int(sys.argv[2]))
state = run_course(sys.argv[1], plan=plan, progress=False)
print('RESUMED_FROM', state['stages']['pretrained']['result']['resumed_from'])
"""

def test_interrupted_course_resumes_from_its_last_checkpoint(tmp_path):
    out = tmp_path/'course'
    cmd = [sys.executable, '-c', RESUME_SCRIPT, str(out), '60']
    child = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.time() + 300
    while not list((out/'pretrained'/'checkpoints').glob('checkpoint-*/trainer_state.json')):
        assert child.poll() is None and time.time() < deadline, 'no checkpoint was written'
        time.sleep(0.5)
    os.killpg(child.pid, signal.SIGKILL); child.wait()
    assert 'pretrained' not in json.loads((out/'course.json').read_text())['stages']
    rerun = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-3000:]
    assert 'done earlier' in rerun.stdout                      # data and tokenizer are reused
    assert 'RESUMED_FROM checkpoint-' in rerun.stdout          # pretraining continues where it stopped
    assert (out/'report'/'report.md').exists()
