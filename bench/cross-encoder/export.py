"""Exports a cross-encoder checkpoint to ONNX (dynamic batch and length) and quantises its weights to int8."""
import sys, torch
from transformers import BertForSequenceClassification, AutoTokenizer
from onnxruntime.quantization import quantize_dynamic, QuantType
CK, OUTDIR = sys.argv[1], sys.argv[2]
import os; os.makedirs(OUTDIR, exist_ok=True)
m = BertForSequenceClassification.from_pretrained(CK).eval()
tok = AutoTokenizer.from_pretrained(CK)
enc = tok(['what is kubernetes'], ['kubernetes what is it anyway'], return_tensors='pt')
args = (enc['input_ids'], enc['attention_mask'], enc['token_type_ids'])
f32 = f'{OUTDIR}/model-f32.onnx'
torch.onnx.export(m, args, f32, input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
    dynamic_axes={n: {0: 'batch', 1: 'sequence'} for n in ['input_ids', 'attention_mask', 'token_type_ids']} | {'logits': {0: 'batch'}}, opset_version=14)
quantize_dynamic(f32, f'{OUTDIR}/model.onnx', weight_type=QuantType.QInt8, per_channel=False)
print('exported', os.path.getsize(f32), os.path.getsize(f'{OUTDIR}/model.onnx'))
