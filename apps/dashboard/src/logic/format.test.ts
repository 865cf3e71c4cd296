import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerText, formatAgo, formatBytes, formatCost, formatCount, formatPercent, formatSimilarity } from './format.ts';

describe('formatting', () => {
  it('formats ratios, similarities and missing values', () => {
    assert.equal(formatPercent(0.4567), '45.7%');
    assert.equal(formatPercent(1, 0), '100%');
    assert.equal(formatPercent(Number.NaN), '–');
    assert.equal(formatPercent(null), '–');
    assert.equal(formatSimilarity(0.91234), '0.912');
    assert.equal(formatSimilarity(null), '–');
  });

  it('abbreviates counts and bytes', () => {
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1000), '1k');
    assert.equal(formatCount(1250), '1.3k');
    assert.equal(formatCount(2_500_000), '2.5M');
    assert.equal(formatCount(2.25), '2.3');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(3 * 1024 ** 2), '3 MiB');
  });

  it('formats money saved', () => {
    assert.equal(formatCost(0), '0.00');
    assert.equal(formatCost(12.345), '12.35');
    assert.equal(formatCost(0.000426), '0.00043');
    assert.equal(formatCost(0.5), '0.5');
    assert.equal(formatCost(25_300), '25.3k');
  });

  it('says how long ago, or how long until', () => {
    assert.equal(formatAgo(1_000, 13_500), '12s ago');
    assert.equal(formatAgo(0, 5 * 60_000), '5m ago');
    assert.equal(formatAgo(7_200_000, 0), 'in 2h');
    assert.equal(formatAgo(0, 2 * 86_400_000), '2d ago');
  });

  it('extracts the answer text of chat and completion documents, else shows the raw text', () => {
    const chat = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Paris.' } }] });
    const completion = JSON.stringify({ choices: [{ text: 'one' }, { text: 'two' }] });
    assert.equal(answerText(chat), 'Paris.');
    assert.equal(answerText(completion), 'one\n\ntwo');
    assert.equal(answerText('<b>not json</b>'), '<b>not json</b>');
    assert.equal(answerText('{"choices":[{"message":{"content":[{"type":"text"}]}}]}'), '{"choices":[{"message":{"content":[{"type":"text"}]}}]}');
  });
});
