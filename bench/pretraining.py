"""Benchmark of bertcourse.pretraining, side by side in one run.

1. Training step (collate + forward + backward + AdamW) in examples/s: the stock `BertForPreTraining`, which projects
   every position onto the vocabulary, against `GatheredBertForPreTraining`, which projects only the masked ones.
   Same weights, same batches (NSP-like lengths with dynamic padding), realistic vocabulary sizes.
2. NSP example building speed (lines/s) on the sample pretraining corpus: one batched tokenizer call vs a call
   per sentence, then pairing + truncation, then a cache hit.

    python bench/pretraining.py                       # default: tiny and mini at vocab 32000, 1 thread, about 1 minute
    python bench/pretraining.py --presets tiny --vocab 8000 16000 32000 --threads 0

One torch thread by default: on a shared machine, intra-op threads that compete with other processes make small
models many times slower and the timings meaningless (--threads 0 keeps torch's default).
"""
import argparse, os, random, statistics, tempfile, time
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import BertForPreTraining, PreTrainedTokenizerFast

from bertcourse.core import set_seed
from bertcourse.data import read_pretraining_corpus
from bertcourse.samples import write_sample_corpora
from bertcourse.pretraining import (GatheredBertForPreTraining, PretrainingCollator, bert_config, build_pretraining_dataset,
                                    tokenize_documents)
from bertcourse.tokenizer import SPECIAL_TOKENS, train_tokenizer


def synthetic_tokenizer(vocab_size):
    "A WordPiece tokenizer with `vocab_size` entries (specials + made-up words): only its size and special ids matter here."
    vocab = {t: i for i, t in enumerate(SPECIAL_TOKENS)}
    for i in range(vocab_size - len(vocab)): vocab[f"w{i}" if i % 3 else f"##p{i}"] = len(vocab)
    tok = Tokenizer(models.WordPiece(vocab, unk_token='[UNK]'))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    pad, unk, cls, sep, mask = SPECIAL_TOKENS
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token=pad, unk_token=unk, cls_token=cls, sep_token=sep, mask_token=mask)


def nsp_like_batches(tokenizer, n_batches, batch_size, max_len, seed=0):
    "Batches of random examples with NSP-like lengths: 90% fill the block, 10% are shorter (dynamic padding)."
    rng = random.Random(seed)
    ordinary = [i for i in range(len(tokenizer)) if i not in tokenizer.all_special_ids]
    batches = []
    for _ in range(n_batches):
        examples = []
        for _ in range(batch_size):
            n = max_len if rng.random() >= 0.1 else rng.randint(8, max_len)
            a = rng.randint(1, n - 4)
            ids = [tokenizer.cls_token_id] + rng.choices(ordinary, k=a) + [tokenizer.sep_token_id] + rng.choices(ordinary, k=n - a - 3) + [tokenizer.sep_token_id]
            examples.append(dict(input_ids=ids, token_type_ids=[0] * (a + 2) + [1] * (n - a - 2), next_sentence_label=rng.randint(0, 1)))
        batches.append(examples)
    return batches


def examples_per_second(model, collator, batches, warmup=2):
    "Training throughput: collate, forward, backward and an AdamW step per batch."
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model.train()
    for examples in batches[:warmup]:
        model(**collator(examples)).loss.backward(); opt.step(); opt.zero_grad()
    times = []
    for examples in batches[warmup:]:
        t = time.perf_counter()
        model(**collator(examples)).loss.backward(); opt.step(); opt.zero_grad()
        times.append(time.perf_counter() - t)
    return len(batches[0]) / statistics.median(times)


def bench_step(presets, vocabs, batch_size, max_len, steps):
    print(f"\n== training step: examples/s (batch {batch_size}, block {max_len}, NSP-like lengths, median of {steps} steps) ==")
    print(f"{'preset':7}{'vocab':>7}{'BertForPreTraining':>20}{'gathered (ours)':>17}{'speed-up':>10}{'goal':>7}")
    for preset in presets:
        for vocab in vocabs:
            tokenizer = synthetic_tokenizer(vocab)
            config = bert_config(tokenizer, preset)
            set_seed(0)
            stock = BertForPreTraining(config)
            ours = GatheredBertForPreTraining(config); ours.load_state_dict(stock.state_dict())
            batches = nsp_like_batches(tokenizer, steps + 2, batch_size, min(max_len, config.max_position_embeddings))
            collator = PretrainingCollator(tokenizer, generator=torch.Generator().manual_seed(0))
            a = examples_per_second(stock, collator, batches)
            collator = PretrainingCollator(tokenizer, generator=torch.Generator().manual_seed(0))
            b = examples_per_second(ours, collator, batches)
            goal = {'tiny': 4, 'mini': 2}.get(preset)
            print(f"{preset:7}{vocab:>7}{a:>20.1f}{b:>17.1f}{b / a:>9.1f}x{f'{goal}x' if goal else '':>7}", flush=True)
            del stock, ours


def bench_nsp(size, vocab_size, max_len):
    print(f"\n== NSP example building: sample corpus '{size}', WordPiece {vocab_size}, block {max_len} ==")
    with tempfile.TemporaryDirectory() as d:
        corpus_file = write_sample_corpora(Path(d)/'corpora', size)['pretrain'][0]
        tokenizer = train_tokenizer(corpus_file, vocab_size)
        corpus = read_pretraining_corpus(corpus_file)
        documents = [doc.sentences for doc in corpus.records]
        lines = sum(map(len, documents))
        t = time.perf_counter(); [tokenizer(s, add_special_tokens=False)['input_ids'] for doc in documents for s in doc]
        one_by_one = time.perf_counter() - t
        t = time.perf_counter(); tokenize_documents(tokenizer, documents); batched = time.perf_counter() - t
        t = time.perf_counter(); ds = build_pretraining_dataset(corpus, tokenizer, 'mlm+nsp', max_len, cache_dir=Path(d)/'cache')
        build = time.perf_counter() - t
        t = time.perf_counter(); build_pretraining_dataset(corpus, tokenizer, 'mlm+nsp', max_len, cache_dir=Path(d)/'cache')
        hit = time.perf_counter() - t
    print(f"{lines:,} lines in {len(documents):,} documents -> {len(ds):,} examples")
    print(f"{'tokenize, one call per sentence':38}{lines / one_by_one:>12,.0f} lines/s")
    print(f"{'tokenize, one batched call':38}{lines / batched:>12,.0f} lines/s ({one_by_one / batched:.1f}x)")
    print(f"{'build_pretraining_dataset (all steps)':38}{lines / build:>12,.0f} lines/s ({build:.2f} s, incl. writing the cache)")
    print(f"{'same call again (cache hit)':38}{lines / hit:>12,.0f} lines/s ({hit:.3f} s)")


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--presets', nargs='+', default=['tiny', 'mini'])
    p.add_argument('--vocab', nargs='+', type=int, default=[32000])
    p.add_argument('--batch-size', type=int, default=16)
    p.add_argument('--max-len', type=int, default=128)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--corpus-size', default='small')
    p.add_argument('--nsp-vocab', type=int, default=8000)
    p.add_argument('--threads', type=int, default=1, help='torch threads (0: torch default)')
    args = p.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    t0 = time.time()
    bench_step(args.presets, args.vocab, args.batch_size, args.max_len, args.steps)
    bench_nsp(args.corpus_size, args.nsp_vocab, args.max_len)
    print(f"\ntotal {time.time() - t0:.0f} s")
