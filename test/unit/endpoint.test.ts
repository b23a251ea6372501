import * as assert from 'node:assert/strict';
import { normalizeEndpoint } from '../../src/core/endpoint';
import { redactText, redactUrl } from '../../src/core/redact';
import { KooDriveError } from '../../src/core/errors';

describe('endpoint and redaction', () => {
  it('normalizes hosts and URLs to an https origin', () => {
    assert.equal(normalizeEndpoint('intl.myhuaweicloud-koodrive.com'), 'https://intl.myhuaweicloud-koodrive.com');
    assert.equal(normalizeEndpoint('https://cn.myhuaweicloud-koodrive.com/koodrive/ose/v1/'), 'https://cn.myhuaweicloud-koodrive.com');
    assert.equal(normalizeEndpoint('http://127.0.0.1:8787'), 'http://127.0.0.1:8787');
    assert.equal(normalizeEndpoint('http://localhost:8787'), 'http://localhost:8787');
  });

  it('refuses plain http to a non-loopback host, other schemes and embedded credentials', () => {
    for (const bad of ['http://drive.example.com', 'ftp://x', 'https://u:p@example.com', '', 'https://']) {
      assert.throws(() => normalizeEndpoint(bad), (e: unknown) => KooDriveError.is(e, 'InvalidInput'), bad);
    }
  });

  it('redacts presigned signatures and credentials but keeps the rest', () => {
    const url = 'https://obs.example/obj?partNumber=2&X-Amz-Credential=AK%2F2024&X-Amz-Signature=deadbeef&X-Amz-Expires=3600';
    const r = redactUrl(url);
    assert.ok(!r.includes('deadbeef') && !r.includes('AK%2F2024'));
    assert.ok(r.includes('partNumber=2') && r.includes('X-Amz-Expires=3600'));
    const t = redactText(`failed: Authorization Bearer+sekrit123 at ${url}`, ['sekrit123']);
    assert.ok(!t.includes('sekrit123') && !t.includes('deadbeef'));
  });
});
