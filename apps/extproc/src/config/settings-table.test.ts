import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSection } from './readme-section.ts';
import { settingsTable } from './settings-table.ts';

describe('the README settings table', () => {
  it('is the one generated from the config schema (run `npm run docs:settings` after changing a setting)', () => {
    assert.equal(readSection('settings'), settingsTable());
  });

  it('names every setting with its env var and default', () => {
    const table = settingsTable();
    assert.match(table, /\| `grpc\.port` \| `GRPC_PORT` \| `50051` \|/);
    assert.match(table, /\| `http\.port` \| `HTTP_PORT` \| `8080` \|/);
    assert.match(table, /\| `defaults\.threshold` \| `SIMILARITY_THRESHOLD` \|/);
    assert.match(table, /\| `embedder\.host` \| `EMBEDDING_MODEL_HOST` \|/);
  });
});
