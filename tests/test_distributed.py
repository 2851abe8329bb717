"Scale-out: pretraining and fine-tuning run unchanged under torchrun and accelerate launch with 2 CPU processes (gloo DDP)."
import json, os, shutil, subprocess, sys
from pathlib import Path
import pytest

ENV = dict(os.environ, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TQDM_DISABLE='1', OMP_NUM_THREADS='1')

LAUNCHERS = {   # two processes on one machine; accelerate's --multi_gpu also means "DDP" on a CPU-only machine
    'torchrun': [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--no-python'],
    'accelerate': [sys.executable, '-m', 'accelerate.commands.launch', '--multi_gpu', '--num_processes=2', '--num_machines=1',
                   '--mixed_precision=no', '--dynamo_backend=no', '--main_process_port=0', '--no_python'],
}

def launch(*args, cwd, launcher='torchrun')->subprocess.CompletedProcess:
    "`bertcourse ...` in two processes started by `launcher`, asserting success."
    cmd = LAUNCHERS[launcher] + ['bertcourse', *map(str, args)]
    run = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"{' '.join(cmd)}\n{run.stdout[-3000:]}\n{run.stderr[-5000:]}"
    return run

def test_pretrain_and_finetune_with_two_processes(tmp_path):
    subprocess.run(['bertcourse', 'data', '--root', 'corpora', '--size', 'tiny'], cwd=tmp_path, env=ENV, check=True, capture_output=True)
    subprocess.run(['bertcourse', 'tokenizer', '--corpus', 'corpora/pretrain/corpus.txt', '--vocab-size', '2000', '--out', 'tok'],
                   cwd=tmp_path, env=ENV, check=True, capture_output=True)
    run = launch('pretrain', '--corpus', 'corpora/pretrain/corpus.txt', '--tokenizer', 'tok', '--out', 'pre', '--preset', 'tiny',
                 '--max-steps', 4, '--batch-size', 8, '--max-seq-length', 64, cwd=tmp_path)
    summary = json.loads((tmp_path/'pre'/'pretraining.json').read_text())['summary']
    assert summary['steps'] == 4
    assert summary.get('world_size') == 2, summary
    assert run.stdout.count('saved to pre') == 1, run.stdout   # only the first process prints the report
    for launcher in LAUNCHERS:
        out = f'nsmc-{launcher}'
        run = launch('finetune', '--task', 'nsmc', '--model', 'pre', '--root', 'corpora', '--out', out, '--epochs', 1,
                     '--max-steps', 4, '--batch-size', 8, '--max-seq-length', 64, cwd=tmp_path, launcher=launcher)
        metrics = json.loads((tmp_path/out/'metrics.json').read_text())
        assert metrics['global_step'] == 4 and metrics.get('world_size') == 2, (launcher, metrics)
        assert (tmp_path/out/'config.json').exists() and run.stdout.count('model_dir:') == 1, run.stdout
