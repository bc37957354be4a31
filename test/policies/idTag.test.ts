import { describe, expect, it } from 'vitest';
import { normaliseIdTag, visible } from '../../src/policies/idTag.js';

describe('idTag normal form', () => {
  it('strips NUL and other control characters, trims, and ignores case', () => {
    expect(normaliseIdTag('\u0000ABC123')).toBe('ABC123');
    expect(normaliseIdTag('  abc123\r\n')).toBe('ABC123');
    expect(normaliseIdTag('aBc\u0007123')).toBe('ABC123');
    expect(normaliseIdTag('04A2B3C4D5E680')).toBe(normaliseIdTag('04a2b3c4d5e680'));
  });
  it('keeps what is printable, whatever the format', () => {
    expect(normaliseIdTag('DE*ABC*E123456*7')).toBe('DE*ABC*E123456*7');
  });
  it('shows control characters as visible escapes where the raw text is kept for people', () => {
    expect(visible('\u0000ABC')).toBe('\\u0000ABC');
    expect(visible('plain')).toBe('plain');
  });
});
