#!/usr/bin/env python
"""Why does tiny ELECTRA not learn on real reviews? Watch the discriminator every 100 steps of a short run.

Trains `BertForReplacedTokenDetection` (tiny, generator 1/4, 15 % masking) on the training reviews' text with the
course's schedule (AdamW, weight decay 0.01, linear warm-up over 6 % of the steps, clipping at 1.0) and prints, on
256 held-out reviews masked the same way each time:

- the generator's MLM loss and the discriminator's loss;
- AUC: how often the discriminator scores a replaced token above an original one (0.5: it cannot tell them apart);
- recall: replaced tokens it calls replaced (P > 0.5);
- spread: the discriminator's last-layer states, standard deviation across tokens, averaged over dimensions
  (about 0.8 at initialisation; near 0 means every token has the same state, a collapsed encoder).

`--bias zero` starts the discriminator at P(replaced) = 0.5 for every token (what the model class does alone);
`--bias prior` at the masking rate, as `bertcourse.pretraining.pretrain` does (`start_discriminator_at`).

    python bench/electra_probe.py --root ../shared/data/nsmc-real --bias zero --learning-rate 2e-3 --steps 300
    python bench/electra_probe.py --root ../shared/data/nsmc-real --bias prior --learning-rate 5e-4 --steps 800
"""
import argparse, os, random, sys, time
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch
from sklearn.metrics import roc_auc_score
from transformers import get_linear_schedule_with_warmup

from bertcourse.bert import bert_config, load_tokenizer
from bertcourse.pretraining import ELECTRA_MASKING, BertForReplacedTokenDetection, PretrainingCollator
from bertcourse.tokenizer import train_tokenizer

sys.path.insert(0, str(Path(__file__).parent))
from real_cpu import training_text

def probe(model, batch)->dict:
    "Losses, AUC, recall and spread of `model` on the fixed held-out `batch`."
    model.eval(); torch.manual_seed(0)   # the same generator samples every time
    with torch.no_grad():
        out = model(**batch)
        hidden = model.bert(out.corrupted_ids, attention_mask=batch['attention_mask']).last_hidden_state
    model.train()
    labels, p = out.rtd_labels, out.rtd_logits.sigmoid()
    judged = labels != -100
    return dict(mlm_loss=out.mlm_loss.item(), rtd_loss=out.rtd_loss.item(),
                auc=roc_auc_score(labels[judged].numpy(), p[judged].numpy()),
                recall=(p[labels == 1] > 0.5).float().mean().item(),
                spread=hidden[batch['attention_mask'] == 1].std(0).mean().item())

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', type=Path, required=True, help='corpus root with real NSMC files')
    ap.add_argument('--work', type=Path, default=Path('runs/bench-real-cpu'), help="real_cpu.py's work directory")
    ap.add_argument('--bias', choices=('zero', 'prior'), default='prior')
    ap.add_argument('--learning-rate', type=float, default=2e-3)
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    text = training_text(a.root, a.work)
    tokenizer_dir = a.work/'tokenizer-train-8000'
    if not tokenizer_dir.exists(): train_tokenizer([text], 8000, tokenizer_dir)
    tokenizer = load_tokenizer(tokenizer_dir)
    reviews = [line for line in text.read_text(encoding='utf-8').splitlines() if line.strip()]
    random.seed(0); random.shuffle(reviews)
    def encode(lines): return [tokenizer(line, truncation=True, max_length=64) for line in lines]
    held_out, train = encode(reviews[:256]), reviews[256:]
    torch.manual_seed(0)
    model = BertForReplacedTokenDetection(bert_config(tokenizer, 'tiny'))
    if a.bias == 'prior': model.start_discriminator_at(0.15)
    masking = PretrainingCollator(tokenizer, mlm_probability=0.15, **ELECTRA_MASKING)
    fixed = PretrainingCollator(tokenizer, mlm_probability=0.15, generator=torch.Generator().manual_seed(0),
                                **ELECTRA_MASKING)(held_out)
    optimizer = torch.optim.AdamW(model.parameters(), lr=a.learning_rate, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.06 * a.steps), a.steps)
    print(f"bias {a.bias}, learning rate {a.learning_rate}, {a.steps} steps (development data)")
    start = time.time()
    for step in range(a.steps + 1):
        if step % 100 == 0 or step == a.steps:
            r = probe(model, fixed)
            print(f"step {step:5d}  MLM loss {r['mlm_loss']:.3f}  RTD loss {r['rtd_loss']:.4f}  AUC {r['auc']:.3f}  "
                  f"recall {r['recall']:.3f}  spread {r['spread']:.3f}", flush=True)
        if step == a.steps: break
        model(**masking(encode(random.sample(train, 32)))).loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step(); schedule.step(); optimizer.zero_grad()
    print(f"{time.time() - start:.0f} s")

if __name__ == '__main__': main()
