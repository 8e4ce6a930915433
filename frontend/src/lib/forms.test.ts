import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { announcement, messageOf, toFormErrors } from './forms';

describe('toFormErrors', () => {
  it('puts a named field’s message next to it', () => {
    const err = new ApiError(400, 'invalid', 'end must be after start', 'end');
    expect(toFormErrors(err, ['title', 'end'])).toEqual({ form: '', fields: { end: 'end must be after start' } });
  });
  it('follows aliases', () => {
    const err = new ApiError(400, 'invalid', 'outside the meeting', 'start');
    expect(toFormErrors(err, ['day', 'startTime'], { start: 'day' }).fields).toEqual({ day: 'outside the meeting' });
  });
  it('shows a field the form lacks, or none, for the whole form', () => {
    expect(toFormErrors(new ApiError(400, 'invalid', 'bad status', 'status'), ['title'])).toEqual({
      form: 'bad status',
      fields: {},
    });
    expect(toFormErrors(new ApiError(403, 'forbidden', 'Only the secretariat.'), ['title']).form).toBe(
      'Only the secretariat.',
    );
    expect(toFormErrors(new Error('boom'), []).form).toBe('boom');
  });
});

describe('messageOf', () => {
  it('keeps a 429 message that already says to wait', () => {
    expect(messageOf(new ApiError(429, 'rate_limited', 'Too many sign-in attempts; wait a minute and try again.'))).toBe(
      'Too many sign-in attempts; wait a minute and try again.',
    );
  });
  it('asks to wait on 429, with Retry-After when given', () => {
    expect(messageOf(new ApiError(429, 'rate_limited', 'Too many sign-in attempts', undefined, undefined, 30))).toBe(
      'Too many sign-in attempts. Please wait 30 seconds before trying again.',
    );
    expect(messageOf(new ApiError(429, 'rate_limited', 'Slow down.'))).toBe(
      'Slow down. Please wait a minute before trying again.',
    );
  });
});

describe('announcement', () => {
  it('prefers the form message, then the field messages', () => {
    expect(announcement({ form: 'x', fields: { a: 'y' } })).toBe('x');
    expect(announcement({ form: '', fields: { a: 'Title is required.' } })).toBe('Please correct: Title is required.');
    expect(announcement({ form: '', fields: {} })).toBe('');
  });
});
