#!/usr/bin/env python
"""Fine-tuning throughput: bertcourse's engine (dynamic padding + length-grouped batches) against padding every
review to 128 tokens in random batches (the ratsnlp way), with the same tiny BERT, data, seed and epochs.

The reviews come from the built-in NSMC sample corpus. Sample reviews are short (one clause, about 17 characters),
so each benchmark review joins 1-8 sample reviews of the same label (geometric, mean 2, at most 140 characters),
which gives the length profile of real NSMC: mostly short reviews, about 35 characters on average, a long tail. The table reports the
lengths actually used.

    python bench/finetune.py              # about 2-3 minutes on one CPU thread
    python bench/finetune.py --size medium --epochs 1 --preset mini --threads 0
"""
import argparse, os, random, tempfile, time
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')
import numpy as np
import torch
import datasets, transformers
from transformers import BertForMaskedLM

from bertcourse.core import set_seed, device_report
from bertcourse.data import read_nsmc
from bertcourse.samples import write_sample_corpora
from bertcourse.tokenizer import train_tokenizer
from bertcourse.bert import bert_config
from bertcourse.train import ClassificationTrainArguments, finetune

MODES = {  # name -> engine switches
    'pad to max_seq_length, random batches (ratsnlp)': dict(dynamic_padding=False, group_by_length=False),
    'dynamic padding, random batches': dict(dynamic_padding=True, group_by_length=False),
    'dynamic padding + length groups (bertcourse)': dict(dynamic_padding=True, group_by_length=True),
}

def write_nsmc_like(src:Path, dst:Path, seed:int, mean_reviews:float=2.0, max_reviews:int=8, max_chars:int=140):
    "Write dst/nsmc/ratings_{train,test}.txt whose reviews each join a geometric number of same-label sample reviews (at most 140 characters, like NSMC)."
    rng = random.Random(seed)
    (dst/'nsmc').mkdir(parents=True, exist_ok=True)
    for split in ('train', 'test'):
        reviews = list(read_nsmc(src, split))
        by_label = {y: [r.document for r in reviews if r.label == y] for y in (0, 1)}
        lines = ['id\tdocument\tlabel']
        for i, r in enumerate(reviews):
            text = r.document
            for _ in range(max_reviews - 1):
                if rng.random() < 1 / mean_reviews: break
                longer = f"{text} {rng.choice(by_label[r.label])}"
                if len(longer) > max_chars: break
                text = longer
            lines.append(f"{i}\t{text}\t{r.label}")
        (dst/'nsmc'/f'ratings_{split}.txt').write_text('\n'.join(lines) + '\n', encoding='utf-8')

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--size', default='small', choices=('tiny', 'small', 'medium', 'large'), help='sample corpus size (default small: 4,000 train / 1,000 test)')
    p.add_argument('--preset', default='tiny', help='bertcourse.pretraining preset of the model (default tiny: 2 layers, hidden 128)')
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--learning-rate', type=float, default=1e-3)
    p.add_argument('--max-seq-length', type=int, default=128)
    p.add_argument('--seed', type=int, default=7)
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads (default 1: steady numbers on a shared machine; 0 keeps torch\'s default)')
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    transformers.logging.set_verbosity_error(); datasets.disable_progress_bars()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        write_sample_corpora(d/'sample', size=a.size, seed=0)
        write_nsmc_like(d/'sample', d/'korpora', a.seed)
        tokenizer = train_tokenizer(d/'sample'/'pretrain'/'corpus.txt', vocab_size=2000, out_dir=d/'tokenizer', model_max_length=512)
        model_dir = d/'model'
        set_seed(0); BertForMaskedLM(bert_config(tokenizer, a.preset)).save_pretrained(model_dir); tokenizer.save_pretrained(model_dir)
        texts = [r.document for r in read_nsmc(d/'korpora', 'train')]
        chars = np.array([len(t) for t in texts])
        tokens = np.array([len(ids) for ids in tokenizer(texts, truncation=True, max_length=a.max_seq_length)['input_ids']])
        print(f"device: {device_report()}; model: {a.preset} preset, {a.epochs} epochs, batch {a.batch_size}, max_seq_length {a.max_seq_length}")
        print(f"train reviews: {len(texts):,}; characters mean {chars.mean():.1f}, p50 {np.median(chars):.0f}, p95 {np.percentile(chars, 95):.0f}, max {chars.max()}; "
              f"tokens mean {tokens.mean():.1f}, p95 {np.percentile(tokens, 95):.0f}, max {tokens.max()}\n")
        rows = []
        for i, (name, switches) in enumerate(MODES.items()):
            args = ClassificationTrainArguments(
                pretrained_model_name=str(model_dir), downstream_corpus_name='nsmc', downstream_corpus_root_dir=str(d/'korpora'),
                downstream_model_dir=str(d/f'run{i}'), max_seq_length=a.max_seq_length, batch_size=a.batch_size,
                learning_rate=a.learning_rate, warmup_ratio=0.1, epochs=a.epochs, seed=a.seed, cpu_workers=0,
                save_top_k=0, progress=False, **switches)
            start = time.perf_counter(); m = finetune(args); wall = time.perf_counter() - start
            rows.append((name, m['samples_per_second'], m['train_seconds'], wall, m['pad_fraction'], m['eval_accuracy'], m['eval_f1']))
        header = f"{'mode':<48} {'samples/s':>10} {'train s':>8} {'wall s':>7} {'[PAD]':>6} {'acc':>6} {'F1':>6}"
        print(header); print('-' * len(header))
        for name, sps, secs, wall, pad, acc, f1 in rows:
            print(f"{name:<48} {sps:>10.1f} {secs:>8.1f} {wall:>7.1f} {pad:>6.1%} {acc:>6.3f} {f1:>6.3f}")
        base, ours = rows[0], rows[-1]
        print(f"\nspeed-up of the bertcourse engine over padding to {a.max_seq_length}: {ours[1] / base[1]:.1f}x "
              f"(accuracy {ours[5]:.3f} vs {base[5]:.3f})")

if __name__ == '__main__': main()
