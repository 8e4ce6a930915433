import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { countRows, rowProblems } from './userImport';

describe('countRows', () => {
  it('counts the records after the header', () => {
    expect(countRows('name,email,roles,delegation\nAnn,ann@example.org,observer,\nBob,bob@example.org,observer,\n')).toBe(2);
    expect(countRows('name,email,roles,delegation\r\nAnn,ann@example.org,observer,')).toBe(1);
  });
  it('counts nothing in an empty file or a header alone', () => {
    expect(countRows('')).toBe(0);
    expect(countRows('  \n')).toBe(0);
    expect(countRows('name,email,roles,delegation\n')).toBe(0);
    expect(countRows('\uFEFFname,email,roles,delegation')).toBe(0);
  });
  it('skips blank records, as spreadsheets leave them', () => {
    expect(countRows('name,email,roles,delegation\nAnn,a@x.org,observer,\n,,,\n\n')).toBe(1);
  });
  it('reads quoted cells with commas, quotes and line breaks as one record', () => {
    expect(countRows('name,email,roles,delegation\n"Lee, Ann ""Annie""\nSmith",a@x.org,observer,\nBob,b@x.org,observer,\n')).toBe(2);
  });
});

describe('rowProblems', () => {
  it('lists every field the server names', () => {
    const body = {
      fields: [
        { field: 'rows[3].email', message: 'Line 3: email "x" is not a valid address' },
        { field: 'rows[4].roles', message: 'Line 4: unknown role "chair"' },
      ],
    };
    const err = new ApiError(400, 'invalid', 'The file was not imported', 'rows[3].email', undefined, undefined, body);
    expect(rowProblems(err).map((p) => p.field)).toEqual(['rows[3].email', 'rows[4].roles']);
  });
  it('falls back on the one field', () => {
    expect(rowProblems(new ApiError(400, 'invalid', 'Line 1: the file is empty', 'file'))).toEqual([
      { field: 'file', message: 'Line 1: the file is empty' },
    ]);
  });
  it('has none for other errors', () => {
    expect(rowProblems(new ApiError(403, 'forbidden', 'Only the secretariat.'))).toEqual([]);
    expect(rowProblems(new Error('boom'))).toEqual([]);
  });
});
