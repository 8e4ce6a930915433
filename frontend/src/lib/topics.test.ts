import { describe, expect, it } from 'vitest';
import { checkTopic, slugFrom, slugOf, topicChanges, topicConflict, topicsInOrder } from './topics';
import type { Topic } from './types';

const topic = (title: string, retired = false, description = ''): Topic => ({
  id: title.toLowerCase().replace(/\W+/g, ''),
  slug: slugFrom(title),
  title,
  description,
  retired,
  version: 3,
});

describe('slugFrom', () => {
  it('makes lower-case words joined by hyphens, without accents or signs', () => {
    expect(slugFrom('Cross-border Evidence')).toBe('cross-border-evidence');
    expect(slugFrom('  Électronic  évidence & AI (2015) ')).toBe('electronic-evidence-ai-2015');
  });
  it('stops at 80 characters on a whole word', () => {
    const s = slugFrom('word '.repeat(30));
    expect(s.length).toBeLessThanOrEqual(80);
    expect(s).toMatch(/^word(-word)*$/);
    expect(slugFrom('a'.repeat(100))).toHaveLength(80);
  });
  it('is empty for a name without letters or digits', () => {
    expect(slugFrom('— ! —')).toBe('');
  });
});

describe('checkTopic', () => {
  it('names every wrong field at once', () => {
    const f = checkTopic({ title: ' ', slug: 'Bad Slug!', description: 'x'.repeat(5001) }, true);
    expect(Object.keys(f).sort()).toEqual(['description', 'slug', 'title']);
  });
  it('accepts a name alone, its slug made from it', () => {
    const d = { title: 'Ransomware', slug: '', description: '' };
    expect(checkTopic(d, true)).toEqual({});
    expect(slugOf(d)).toBe('ransomware');
  });
  it('asks for a slug when the name gives none', () => {
    expect(checkTopic({ title: '***', slug: '', description: '' }, true)).toHaveProperty('slug');
  });
  it('does not check the slug of an edit, which keeps its slug', () => {
    expect(checkTopic({ title: 'Renamed', slug: 'Not A Slug', description: '' }, false)).toEqual({});
  });
  it('refuses a name of two lines or over 200 characters', () => {
    expect(checkTopic({ title: 'a\nb', slug: '', description: '' }, false)).toHaveProperty('title');
    expect(checkTopic({ title: 'a'.repeat(201), slug: '', description: '' }, false)).toHaveProperty('title');
    expect(checkTopic({ title: 'a'.repeat(200), slug: '', description: '' }, false)).toEqual({});
  });
});

describe('topicChanges', () => {
  it('sends only what differs', () => {
    const t = topic('Ransomware', false, 'Old');
    expect(topicChanges(t, { title: 'Ransomware ', slug: '', description: 'Old' })).toEqual({});
    expect(topicChanges(t, { title: 'Extortion', slug: '', description: 'New' })).toEqual({ title: 'Extortion', description: 'New' });
  });
});

describe('topicsInOrder', () => {
  it('lists topics in use by name, then the retired ones', () => {
    const list = [topic('zeta', true), topic('Beta'), topic('alpha', true), topic('Gamma'), topic('alpha')];
    expect(topicsInOrder(list).map((t) => `${t.title}${t.retired ? '*' : ''}`)).toEqual(['alpha', 'Beta', 'Gamma', 'alpha*', 'zeta*']);
  });
});

describe('topicConflict', () => {
  it('says what the topic is now', () => {
    expect(topicConflict(topic('Extortion', true))).toContain('“Extortion”, and it is retired (version 3)');
    expect(topicConflict(topic('Extortion'))).not.toContain('retired');
  });
});
