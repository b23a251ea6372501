import * as assert from 'node:assert/strict';
import { IgnoreMatcher } from '../../../src/core/upload/ignoreRules';

describe('IgnoreMatcher (.gitignore-style excludes)', () => {
  const m = IgnoreMatcher.from(['node_modules/', '*.log', '/build', 'docs/**/*.tmp', '!keep.log', 'a?c.txt', '# comment', '']);

  it('matches bare names at any depth', () => {
    assert.equal(m.ignores('node_modules', true), true);
    assert.equal(m.ignores('pkg/node_modules', true), true);
    assert.equal(m.ignores('x/y/z.log', false), true);
    assert.equal(m.ignores('abc.txt', false), true);
    assert.equal(m.ignores('abbc.txt', false), false);
  });

  it('treats trailing slash as folders only and leading slash as anchored', () => {
    assert.equal(m.ignores('node_modules', false), false);
    assert.equal(m.ignores('build', true), true);
    assert.equal(m.ignores('src/build', true), false);
  });

  it('supports ** and negation (last rule wins)', () => {
    assert.equal(m.ignores('docs/a/b/c.tmp', false), true);
    assert.equal(m.ignores('docs/c.tmp', false), true);
    assert.equal(m.ignores('src/c.tmp', false), false);
    assert.equal(m.ignores('keep.log', false), false);
    assert.equal(m.with(['keep.log']).ignores('keep.log', false), true);
  });
});
