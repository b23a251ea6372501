import * as assert from 'node:assert/strict';
import { formatXDate, parseXDate, ServerClock, xDateOutsideWindow } from '../../../src/core/api/clock';

describe('ServerClock / X-Date', () => {
  it('formats yyyyMMddTHHmmssZ', () => {
    assert.equal(formatXDate(Date.UTC(2025, 10, 3, 7, 1, 40, 999)), '20251103T070140Z');
    assert.equal(parseXDate('20251103T070140Z'), Date.UTC(2025, 10, 3, 7, 1, 40));
    assert.equal(parseXDate('2025-11-03'), undefined);
  });

  it('learns the offset from the Date header and never runs ahead of it', () => {
    let local = Date.UTC(2026, 0, 1, 12, 0, 0, 700);
    const clock = new ServerClock(() => local);
    assert.equal(clock.xDate(), '20260101T120000Z');
    // The server is 10 minutes behind us.
    clock.observe(new Date(Date.UTC(2026, 0, 1, 11, 50, 0)).toUTCString());
    assert.equal(clock.xDate(), '20260101T115000Z');
    local += 5000;
    assert.equal(clock.xDate(), '20260101T115005Z');
    clock.observe('garbage');
    assert.equal(clock.xDate(), '20260101T115005Z');
  });

  it('detects an X-Date outside the 15-minute window', () => {
    const server = new Date(Date.UTC(2026, 0, 1, 12, 0, 0)).toUTCString();
    assert.equal(xDateOutsideWindow('20260101T120000Z', server), false);
    assert.equal(xDateOutsideWindow('20260101T115000Z', server), false);
    assert.equal(xDateOutsideWindow('20260101T120100Z', server), true, 'in the future');
    assert.equal(xDateOutsideWindow('20260101T114400Z', server), true, 'older than 15 min');
    assert.equal(xDateOutsideWindow('20260101T120100Z', undefined), false, 'no Date header: cannot tell');
  });
});
