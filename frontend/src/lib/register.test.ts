import { describe, expect, it } from 'vitest';
import { changesOf, entryDates, filterFrom, filterQuery, inputOf, type RegisterEntry } from './register';
import * as reg from './register';
import { parseRegisterRoute, registerHref, searchHref } from './registerRoutes';

const entry: RegisterEntry = {
  id: 'e1',
  title: 'Judicial training',
  summary: 'On electronic evidence',
  lead_delegation: 'NZ',
  lead_agency: 'IJS',
  partner_delegations: ['AU'],
  audiences: ['judiciary'],
  format: 'training',
  status: 'planned',
  start_date: '2015-03-02',
  end_date: '2015-03-03',
  topics: ['cyberbullying'],
  references: [{ url: 'https://example.org' }],
  example: false,
  archived: false,
  version: 4,
  created_by: 'u',
  created_at: '',
  updated_by: 'u',
  updated_at: '',
};

describe('register filters', () => {
  it('writes only the known, non-empty keys, in a stable order', () => {
    expect(filterQuery({ year: '2015', delegation: 'NZ', audience: '', status: ' ongoing ' })).toBe(
      'delegation=NZ&status=ongoing&year=2015',
    );
  });
  it('reads back what it wrote', () => {
    const f = { delegation: 'NZ', audience: 'judiciary,prosecutors', topic: 'cyberbullying' };
    expect(filterFrom(new URLSearchParams(filterQuery(f)))).toEqual(f);
  });
  it('ignores unknown parameters', () => {
    expect(filterFrom(new URLSearchParams('colour=red&format=tool'))).toEqual({ format: 'tool' });
  });
});

describe('entry edits', () => {
  it('sends only what changed, with the version edited', () => {
    const input = inputOf(entry);
    input.title = 'Judicial education';
    input.audiences.push('prosecutors');
    expect(changesOf(entry, input)).toEqual({
      version: 4,
      title: 'Judicial education',
      audiences: ['judiciary', 'prosecutors'],
    });
  });
  it('sends nothing but the version when nothing changed', () => {
    expect(changesOf(entry, inputOf(entry))).toEqual({ version: 4 });
  });
  it('writes dates', () => {
    expect(entryDates(entry)).toBe('2015-03-02 – 2015-03-03');
    expect(entryDates({ start_date: '2014-10-01', status: 'ongoing' })).toBe('since 2014-10-01');
    expect(entryDates({ start_date: '2014-10-01', end_date: '2014-10-01', status: 'completed' })).toBe('2014-10-01');
  });
});

describe('register routes', () => {
  const parse = (hash: string) => {
    const [path, q = ''] = hash.split('?');
    return parseRegisterRoute(path!.split('/').filter(Boolean), new URLSearchParams(q));
  };
  it.each([
    ['register', { name: 'register', filter: {} }],
    ['register?delegation=NZ&audience=judiciary', { name: 'register', filter: { delegation: 'NZ', audience: 'judiciary' } }],
    ['register/new', { name: 'registerNew' }],
    ['register/abc', { name: 'registerEntry', id: 'abc' }],
    ['register/abc/edit', { name: 'registerEdit', id: 'abc' }],
    ['coverage?status=ongoing&colour=red', { name: 'coverage', query: { status: 'ongoing' } }],
    ['search?q=electronic+evidence&kind=note', { name: 'search', q: 'electronic evidence', kind: 'note', meeting: '' }],
    ['topics/cyberbullying', { name: 'topic', id: 'cyberbullying' }],
    ['meetings', null],
    ['register/a/b/c', null],
  ])('%s', (hash, want) => {
    expect(parse(hash)).toEqual(want);
  });
  it('makes hrefs', () => {
    expect(registerHref({ topic: 't1', delegation: 'NZ', audience: 'judiciary' })).toBe(
      '#/register?topic=t1&delegation=NZ&audience=judiciary',
    );
    expect(registerHref()).toBe('#/register');
    expect(searchHref('Māori court', 'register')).toBe('#/search?q=M%C4%81ori+court&kind=register');
  });
});

describe('changesLinks', () => {
  const shown = new Set(['e1']);
  it('is true for a link of the thing shown, made or removed', () => {
    expect(reg.changesLinks({ type: 'link', link: { from_kind: 'action', from_id: 'a1', entry_id: 'e9' } }, 'action', 'a1', shown)).toBe(true);
    expect(reg.changesLinks({ type: 'link_removed', from_kind: 'action', from_id: 'a1', entry_id: 'e1' }, 'action', 'a1', shown)).toBe(true);
  });
  it('is false for another thing’s links', () => {
    expect(reg.changesLinks({ type: 'link', link: { from_kind: 'action', from_id: 'a2' } }, 'action', 'a1', shown)).toBe(false);
    expect(reg.changesLinks({ type: 'link', link: { from_kind: 'outcome', from_id: 'a1' } }, 'action', 'a1', shown)).toBe(false);
    expect(reg.changesLinks({ type: 'link_removed', from_kind: 'note', from_id: 'a1' }, 'action', 'a1', shown)).toBe(false);
  });
  it('is true for an entry shown, and false for others and other messages', () => {
    expect(reg.changesLinks({ type: 'register_entry', entry: { id: 'e1', version: 2 } }, 'action', 'a1', shown)).toBe(true);
    expect(reg.changesLinks({ type: 'register_entry', entry: { id: 'e2' } }, 'action', 'a1', shown)).toBe(false);
    expect(reg.changesLinks({ type: 'action', action: { id: 'a1' } }, 'action', 'a1', shown)).toBe(false);
  });
});
