#!/usr/bin/env python
"""Which pretraining choices buy the most NSMC accuracy per CPU-minute on real reviews? One recipe per run.

Needs a corpus root with real NSMC files (`nsmc/ratings_{train,test}.txt`) and, for `--text corpus`, unlabelled reviews
in `pretrain/corpus.txt` (the project's development data, `../shared/data/nsmc-real`, or `bertcourse data --fetch`).
A run:

1. trains the WordPiece tokenizer on the pretraining text (cached in WORK per text and vocabulary size);
2. measures the recipe's seconds per step on 40 steps, then pretrains for `--minutes` of that pace (or `--steps`);
   `--pack` fills each block with consecutive reviews instead of one review per block (the text is rewritten with
   64 reviews per document, RoBERTa's "full sentences");
3. fine-tunes with `bertcourse.nsmc.label_efficiency` at `--budgets` labels (3 seeds each; 'all': seed 0) and tests
   on the whole test file. `--baselines` instead runs the same budgets for the from-scratch twin (the recipe's
   preset and tokenizer, random weights) and TF-IDF + logistic regression.

Every result is appended to WORK/results.jsonl; `--table` prints them all as the study table.

    python bench/real_cpu.py --root ../shared/data/nsmc-real --name mlm40 --minutes 8
    python bench/real_cpu.py --root ../shared/data/nsmc-real --name electra --objective electra --mlm-probability 0.15
    python bench/real_cpu.py --root ../shared/data/nsmc-real --name baselines --baselines --steps 1
    python bench/real_cpu.py --root ../shared/data/nsmc-real --table
    python bench/real_cpu.py --root ../shared/data/nsmc-real --text train --speed   # s/step at 1 and 2 threads

Times are per torch thread: the study runs two recipes side by side with one thread each, so `--minutes` are
core-minutes (the course preset is timed on its own, two threads, idle machine: see bench/README.md).
"""
import argparse, json, os, shutil, time
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch

from bertcourse.course import Course, CoursePlan, write_pretraining_text
from bertcourse.data import corpus_paths
from bertcourse.nsmc import label_budget, label_efficiency
from bertcourse.pretraining import PretrainingArguments, pretrain
from bertcourse.tokenizer import train_tokenizer

def training_text(root:Path, work:Path)->Path:
    "The labelled training reviews' text alone, one review per document: the course's task-text pretraining corpus."
    c = Course(work/'train-text', root, CoursePlan(finetune_tasks=('nsmc',), pretrain_text='task'), progress=False)
    if not c.pretraining_text[0].is_file(): write_pretraining_text(c)
    return c.pretraining_text[0]

def packed_text(text:Path, work:Path, per_document:int=64)->Path:
    "`text` rewritten with `per_document` reviews per document, so a block holds consecutive reviews."
    path = work/f'{text.parent.name}-packed'/'corpus.txt'
    if not path.is_file():
        reviews = [line for line in text.read_text(encoding='utf-8').splitlines() if line.strip()]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(''.join('\n'.join(reviews[i:i + per_document]) + '\n\n'
                                for i in range(0, len(reviews), per_document)), encoding='utf-8')
    return path

def pretraining_arguments(a, text:Path, tokenizer:Path, out:Path, steps:int, eval_fraction:float)->PretrainingArguments:
    "The pretraining run of recipe `a`."
    return PretrainingArguments(text, tokenizer, out, preset=a.preset, objective=a.objective, max_steps=steps,
                                batch_size=a.batch_size, max_seq_length=a.max_seq_length,
                                learning_rate=a.learning_rate, mlm_probability=a.mlm_probability,
                                generator_size=a.generator_size, eval_fraction=eval_fraction, seed=a.seed,
                                cache_dir=a.work/'cache', progress=False,
                                config_overrides=config_overrides(a))

def config_overrides(a)->dict|None:
    "BertConfig fields that recipe `a` changes from its preset: `--layers`, `--hidden` (heads of 64, FFN 4x)."
    changes = dict(num_hidden_layers=a.layers) if a.layers else {}
    if a.hidden: changes.update(hidden_size=a.hidden, num_attention_heads=max(1, a.hidden // 64),
                                intermediate_size=4 * a.hidden)
    return changes or None

def calibrated_steps(a, text:Path, tokenizer:Path)->tuple:
    "(steps that fill `a.minutes`, seconds per step measured on 40 steps without evaluation)."
    probe = a.work/'runs'/f'{a.name}.calibration'
    s = pretrain(pretraining_arguments(a, text, tokenizer, probe, 40, 0.0))
    shutil.rmtree(probe)
    per_step = s['train_seconds'] / 40
    return int(a.minutes * 60 / per_step), per_step

def thread_speeds(a, rounds:int=2, steps:int=60)->list:
    "Seconds per step of recipe `a` with 1 and with 2 torch threads, alternating `rounds` times: (threads, s/step)."
    text = corpus_paths('pretrain', a.root)[0] if a.text == 'corpus' else training_text(a.root, a.work)
    tokenizer = a.work/f'tokenizer-{a.text}-{a.vocab_size}'
    if not tokenizer.exists(): train_tokenizer([text], a.vocab_size, tokenizer)
    probe, speeds = a.work/'runs'/'thread-speed', []
    for threads in (1, 2) * rounds:
        torch.set_num_threads(threads)
        shutil.rmtree(probe, ignore_errors=True)
        speeds.append((threads, pretrain(pretraining_arguments(a, text, tokenizer, probe, steps, 0.0))['train_seconds']
                       / steps))
        print(f"{threads} thread(s): {speeds[-1][1]:.3f} s/step", flush=True)
    shutil.rmtree(probe)
    return speeds

def run(a)->dict:
    "Tokenizer, pretraining and label efficiency of one recipe; the record appended to results.jsonl."
    text = corpus_paths('pretrain', a.root)[0] if a.text == 'corpus' else training_text(a.root, a.work)
    tokenizer = a.work/f'tokenizer-{a.text}-{a.vocab_size}'
    if not tokenizer.exists(): train_tokenizer([text], a.vocab_size, tokenizer)
    if a.pack: text = packed_text(text, a.work)
    record = dict(name=a.name, recipe={k: v for k, v in vars(a).items() if k not in ('root', 'work', 'table')})
    steps, per_step = (a.steps, None) if a.steps else calibrated_steps(a, text, tokenizer)
    model, start = a.work/'runs'/a.name, time.time()
    summary = pretrain(pretraining_arguments(a, text, tokenizer, model, steps, 0.01))
    record.update(seconds_per_step=per_step, pretrain_seconds=time.time() - start, steps=steps,
                  mlm_accuracy=summary['mlm_accuracy'], rtd_accuracy=summary['rtd_accuracy'])
    budgets = [label_budget(b) for b in a.budgets]
    methods = ('scratch', 'tfidf') if a.baselines else ('pretrained',)
    options = dict(learning_rate=a.finetune_learning_rate, scratch_preset=a.preset, min_steps=a.min_steps,
                   min_epochs=a.min_epochs)
    records = []
    for budget in budgets:
        seeds = (0,) if budget is None else (0, 1, 2)
        records += label_efficiency(model, 'nsmc', a.root, (budget,), seeds, methods, **options)
    record['finetuned'] = records
    with open(a.work/'results.jsonl', 'a', encoding='utf-8') as f: f.write(json.dumps(record) + '\n')
    return record

def means(record:dict)->dict:
    "(method, budget) -> mean test accuracy over seeds."
    cells = {}
    for r in record['finetuned']: cells.setdefault((r['method'], r['budget']), []).append(r['test_accuracy'])
    return {k: sum(v) / len(v) for k, v in cells.items()}

def table(work:Path)->str:
    "The study table: one row per recipe, mean fine-tuned test accuracy per budget."
    rows = [json.loads(line) for line in (work/'results.jsonl').read_text(encoding='utf-8').splitlines()]
    budgets = sorted({r['budget'] for row in rows for r in row['finetuned']}, key=lambda b: b or 10**9)
    lines = ['| recipe | text | steps | min | MLM acc. | ' + ' | '.join(f"{b or 'all'}" for b in budgets) + ' |',
             '|---|---|---|---|---|' + '---|' * len(budgets)]
    for row in rows:
        m, r = means(row), row['recipe']
        for method in sorted({k[0] for k in m}, key=('pretrained', 'scratch', 'tfidf').index):
            name = row['name'] if method == 'pretrained' else f"{row['name']}: {method}"
            acc = ' | '.join('–' if (method, b) not in m else f"{m[method, b]:.3f}" for b in budgets)
            mlm = '' if method != 'pretrained' or row['mlm_accuracy'] is None else f"{row['mlm_accuracy']:.3f}"
            lines.append(f"| {name} | {r['text']} | {row['steps']:,} | {row['pretrain_seconds'] / 60:.1f} | {mlm} | "
                         f"{acc} |")
    return '\n'.join(lines)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', type=Path, required=True, help='corpus root with real NSMC files')
    ap.add_argument('--work', type=Path, default=Path('runs/bench-real-cpu'), help='tokenizers, models, results.jsonl')
    ap.add_argument('--name', default='recipe', help='name of the run in the table')
    ap.add_argument('--table', action='store_true', help='print the table of every result so far and stop')
    ap.add_argument('--speed', action='store_true',
                    help="time the recipe's steps at 1 and 2 threads (idle machine), stop: 2-core minutes -> steps")
    ap.add_argument('--text', choices=('corpus', 'train'), default='corpus',
                    help="pretraining text: pretrain/corpus.txt, or only the training reviews' text")
    ap.add_argument('--vocab-size', type=int, default=8000)
    ap.add_argument('--preset', default='tiny')
    ap.add_argument('--layers', type=int, default=None, help="transformer layers instead of the preset's")
    ap.add_argument('--hidden', type=int, default=None, help="hidden size instead of the preset's (heads of 64)")
    ap.add_argument('--objective', default='mlm')
    ap.add_argument('--mlm-probability', type=float, default=0.4)
    ap.add_argument('--generator-size', type=float, default=0.25)
    ap.add_argument('--learning-rate', type=float, default=2e-3)
    ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--max-seq-length', type=int, default=64)
    ap.add_argument('--pack', action='store_true', help='fill each block with consecutive reviews')
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--minutes', type=float, default=8.0, help='pretraining budget in core-minutes (calibrated)')
    ap.add_argument('--steps', type=int, default=None, help='pretraining steps instead of --minutes')
    ap.add_argument('--budgets', nargs='+', default=['100', '1000', 'all'], help="label budgets ('all': every label)")
    ap.add_argument('--baselines', action='store_true', help='the from-scratch twin and TF-IDF instead (use --steps 1)')
    ap.add_argument('--finetune-learning-rate', type=float, default=1e-3)
    ap.add_argument('--min-steps', type=int, default=60, help='fine-tuning: at least this many steps per run...')
    ap.add_argument('--min-epochs', type=float, default=2.0, help='...and at least this many passes over its labels')
    ap.add_argument('--threads', type=int, default=1, help='torch threads (0: torch default)')
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    if a.table: print(table(a.work)); return
    if a.speed: thread_speeds(a); return
    if a.threads: torch.set_num_threads(a.threads)
    record = run(a)
    print(json.dumps({k: v for k, v in record.items() if k != 'finetuned'}))
    print(table(a.work))

if __name__ == '__main__': main()
