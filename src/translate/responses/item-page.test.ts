import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { pageOf, parsePageQuery } from './item-page.js';

const items = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
const ids = (page: { data: Array<{ id: string }> }) => page.data.map((item) => item.id);

describe('input item pages', () => {
  it('lists newest first by default, 20 at a time', () => {
    const page = pageOf(items, parsePageQuery(new URLSearchParams('')));
    expect(page).toEqual({ object: 'list', data: [...items].reverse(), first_id: 'e', last_id: 'a', has_more: false });
  });

  it('follows an after cursor in either order', () => {
    expect(ids(pageOf(items, parsePageQuery(new URLSearchParams('limit=2&after=d'))))).toEqual(['c', 'b']);
    const asc = pageOf(items, parsePageQuery(new URLSearchParams('order=asc&limit=2&after=b')));
    expect(asc).toMatchObject({ first_id: 'c', last_id: 'd', has_more: true });
  });

  it('stops before a before cursor', () => {
    expect(ids(pageOf(items, parsePageQuery(new URLSearchParams('order=asc&before=c'))))).toEqual(['a', 'b']);
  });

  it('answers an empty list with null ids', () => {
    expect(pageOf([], parsePageQuery(new URLSearchParams('')))).toEqual({
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['order=newest', 'order'],
  ])('refuses %s naming the parameter', (query, param) => {
    const attempt = () => parsePageQuery(new URLSearchParams(query));
    expect(attempt).toThrow(GatewayError);
    expect(attempt).toThrow(expect.objectContaining({ status: 400, param }));
  });

  it('refuses an unknown cursor', () => {
    expect(() => pageOf(items, parsePageQuery(new URLSearchParams('after=zz')))).toThrow(
      expect.objectContaining({ status: 400, param: 'after' }),
    );
  });
});
