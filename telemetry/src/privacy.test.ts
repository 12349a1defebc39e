import { createHmac } from 'node:crypto';
import { resolvePrivacy } from './privacy.js';

const hmac = (key: string, value: string) => `h:${createHmac('sha256', key).update(value).digest('hex').slice(0, 32)}`;

describe('resolvePrivacy().hash', () => {
  it('is the keyed HMAC of the value, short or long, repeated or not, past the memo size', () => {
    const { hash } = resolvePrivacy({ hashKey: 'k' });
    const values = [...Array.from({ length: 3000 }, (_, i) => `user-${i % 1500}`), 'x'.repeat(5000), 'x'.repeat(5000)];
    for (const value of values) {
      expect(hash(value)).toBe(hmac('k', value));
    }
  });

  it('depends on the key', () => {
    expect(resolvePrivacy({ hashKey: 'a' }).hash('alice')).not.toBe(resolvePrivacy({ hashKey: 'b' }).hash('alice'));
  });
});
