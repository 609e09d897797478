import { describe, expect, it } from 'vitest';
import { adminApiUrl } from './admin-url.js';

describe('adminApiUrl', () => {
  it('puts the admin API under the gateway URL, keeping a path prefix, with or without a trailing slash', () => {
    expect(adminApiUrl('http://127.0.0.1:8080', '/status').href).toBe('http://127.0.0.1:8080/admin/api/status');
    expect(adminApiUrl('http://127.0.0.1:8080/', '/status').href).toBe('http://127.0.0.1:8080/admin/api/status');
    expect(adminApiUrl('https://gw.example.com/amg', '/keys?x=1').href).toBe(
      'https://gw.example.com/amg/admin/api/keys?x=1',
    );
    expect(adminApiUrl('https://gw.example.com/amg/', '/keys').href).toBe('https://gw.example.com/amg/admin/api/keys');
  });
});
