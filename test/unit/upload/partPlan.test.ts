import * as assert from 'node:assert/strict';
import { KooDriveError } from '../../../src/core/errors';
import { DEFAULT_PART_SIZE, MAX_FILE_SIZE, MAX_PARTS, MiB, MIN_PART_SIZE, planParts } from '../../../src/core/upload/partPlan';

const invalid = (e: unknown): boolean => KooDriveError.is(e, 'InvalidInput');

describe('planParts', () => {
  it('plans a 0-byte file as one empty part', () => {
    assert.deepEqual(planParts(0).parts, [{ partNumber: 1, partOffset: 0, partSize: 0 }]);
  });

  it('plans files around the 5 MiB minimum', () => {
    for (const size of [1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1]) {
      const plan = planParts(size, MIN_PART_SIZE);
      const sum = plan.parts.reduce((s, p) => s + p.partSize, 0);
      assert.equal(sum, size);
      assert.equal(plan.parts.length, Math.ceil(size / MIN_PART_SIZE));
    }
    assert.deepEqual(planParts(5 * MiB + 1, MIN_PART_SIZE).parts[1], { partNumber: 2, partOffset: 5 * MiB, partSize: 1 });
  });

  it('keeps offsets contiguous and non-last parts 64-aligned', () => {
    const plan = planParts(100 * MiB + 12345);
    let offset = 0;
    plan.parts.forEach((p, i) => {
      assert.equal(p.partNumber, i + 1);
      assert.equal(p.partOffset, offset);
      assert.equal(p.partOffset % 64, 0);
      if (i < plan.parts.length - 1) assert.equal(p.partSize, DEFAULT_PART_SIZE);
      offset += p.partSize;
    });
    assert.equal(offset, 100 * MiB + 12345);
  });

  it('grows the default part size so no file needs more than 10 000 parts', () => {
    const plan = planParts(MAX_FILE_SIZE);
    assert.ok(plan.parts.length <= MAX_PARTS);
    assert.equal(plan.partSize % 64, 0);
    assert.ok(plan.partSize > DEFAULT_PART_SIZE);
    assert.equal(plan.parts.at(-1)!.partOffset + plan.parts.at(-1)!.partSize, MAX_FILE_SIZE);
  });

  it('rejects files over 200 GB before any request', () => {
    assert.throws(() => planParts(MAX_FILE_SIZE + 1), (e: unknown) => invalid(e) && /200 GB/.test((e as Error).message));
  });

  it('rejects part sizes below 5 MiB, above 5 GiB or not a multiple of 64', () => {
    assert.throws(() => planParts(10, MIN_PART_SIZE - 64), invalid);
    assert.throws(() => planParts(10, 5 * 1024 * MiB + 64), invalid);
    assert.throws(() => planParts(10, MIN_PART_SIZE + 1), (e: unknown) => invalid(e) && /multiple of 64/.test((e as Error).message));
  });

  it('rejects an explicit part size that would need over 10 000 parts', () => {
    assert.throws(() => planParts(MIN_PART_SIZE * MAX_PARTS + 1, MIN_PART_SIZE), (e: unknown) => invalid(e) && /10000/.test((e as Error).message));
    assert.equal(planParts(MIN_PART_SIZE * MAX_PARTS, MIN_PART_SIZE).parts.length, MAX_PARTS);
  });
});
