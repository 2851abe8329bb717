"""Tokenizer throughput on the sample pretraining corpus (or your own files).

Training: MB of corpus text per second for WordPiece and byte-level BPE (`bertcourse.tokenizer.train_tokenizer`).
Encoding: sentences per second, one call per sentence vs one batched call, and their ratio; `backend` is the
batched call on the bare `tokenizers.Tokenizer` (what the transformers wrapper adds on top is the difference).

    python bench/tokenizer.py                      # tiny sample corpus, < 1 min on 2 cores
    python bench/tokenizer.py --size small --vocab-size 8000
    python bench/tokenizer.py --corpus my.txt --vocab-size 32000
"""
import argparse, os, tempfile, time
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')

from bertcourse.tokenizer import KINDS, iter_lines, train_tokenizer


def timed(fn, repeat:int=1):
    "(result, best wall-clock seconds) of `repeat` runs of `fn`."
    best, out = float('inf'), None
    for _ in range(repeat):
        start = time.perf_counter(); out = fn(); best = min(best, time.perf_counter() - start)
    return out, best


def bench(files, vocab_size:int, n_single:int, repeat:int)->list[dict]:
    "One row per tokenizer kind: training MB/s and encoding sentences/s (single vs batched)."
    lines = list(iter_lines(files))
    mb = sum(Path(f).stat().st_size for f in files) / 1e6
    single = lines[:n_single]
    rows = []
    for kind in KINDS:
        tokenizer, t_train = timed(lambda: train_tokenizer(files, vocab_size, kind=kind), repeat)
        _, t_batch = timed(lambda: tokenizer(lines), repeat)
        _, t_single = timed(lambda: [tokenizer(s) for s in single], repeat)
        _, t_backend = timed(lambda: tokenizer.backend_tokenizer.encode_batch(lines), repeat)
        batched, one_by_one = len(lines) / t_batch, len(single) / t_single
        rows.append(dict(kind=kind, vocab=len(tokenizer), mb=mb, lines=len(lines), train_s=t_train, train_mb_s=mb / t_train,
                         batched=batched, single=one_by_one, ratio=batched / one_by_one, backend=len(lines) / t_backend))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--corpus', nargs='+', metavar='FILE', help='text files (default: the sample pretraining corpus)')
    p.add_argument('--size', default='tiny', choices=['tiny', 'small', 'medium', 'large'], help='sample corpus size (default tiny)')
    p.add_argument('--vocab-size', type=int, default=4000, help='vocabulary size to train (default 4000)')
    p.add_argument('--single', type=int, default=2000, help='sentences encoded one by one (default 2000)')
    p.add_argument('--repeat', type=int, default=3, help='best of N runs (default 3)')
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = args.corpus
        if not files:
            from bertcourse.samples import write_sample_corpora
            write_sample_corpora(tmp, size=args.size)
            files = [str(Path(tmp)/'pretrain'/'corpus.txt')]
        rows = bench(files, args.vocab_size, args.single, args.repeat)
    print(f"corpus: {', '.join(args.corpus) if args.corpus else f'sample ({args.size})'}: {rows[0]['mb']:.2f} MB, "
          f"{rows[0]['lines']:,} lines; vocab_size {args.vocab_size:,}; best of {args.repeat}; {os.cpu_count()} cpus")
    print(f"{'kind':<10}{'vocab':>7}{'train s':>9}{'train MB/s':>12}{'batched sent/s':>16}{'single sent/s':>15}{'ratio':>7}{'backend sent/s':>16}")
    for r in rows:
        print(f"{r['kind']:<10}{r['vocab']:>7,}{r['train_s']:>9.2f}{r['train_mb_s']:>12.2f}{r['batched']:>16,.0f}{r['single']:>15,.0f}{r['ratio']:>6.1f}x{r['backend']:>16,.0f}")


if __name__ == '__main__':
    main()
