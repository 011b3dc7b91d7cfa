import { describe, expect, it } from 'vitest';
import { brandedError, brandGuard } from '../../src/common/branded-error.ts';

class PlainError extends brandedError('PlainError') {}
class FieldError extends brandedError('FieldError', ['axis', 'code'], (axis: string, code: number) => `axis ${axis}: code ${code}`) {}
class CausedError extends brandedError('CausedError', ['path'], (path: string, cause: Error) => [`cannot open ${path}`, { cause }]) {}
const isFieldError = brandGuard<FieldError>('isFieldError');

describe('brandedError', () => {
  it('names and brands an error that takes Error’s own arguments', () => {
    const cause = new Error('below');
    const e = new PlainError('said', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(PlainError);
    expect(e.name).toBe('PlainError');
    expect(e.isPlainError).toBe(true);
    expect(e.message).toBe('said');
    expect(e.cause).toBe(cause);
    expect(String(e)).toBe('PlainError: said');
  });

  it('keeps the named arguments as fields and builds the message from them', () => {
    const e = new FieldError('x', 7);
    expect(e.axis).toBe('x');
    expect(e.code).toBe(7);
    expect(e.message).toBe('axis x: code 7');
    expect(Object.keys(e)).toEqual(['axis', 'code', 'isFieldError', 'name']);
    expect(isFieldError(e)).toBe(true);
    expect(isFieldError(new PlainError('p'))).toBe(false);
  });

  it('passes a cause on to Error', () => {
    const cause = new Error('EACCES');
    const e = new CausedError('/j', cause);
    expect(e.path).toBe('/j');
    expect(e.message).toBe('cannot open /j');
    expect(e.cause).toBe(cause);
  });
});
