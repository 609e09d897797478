import { describe, expect, it } from 'vitest';
import { cliInvocation } from './cli-invocation.js';

describe('cliInvocation', () => {
  it('suggests npm run amg -- only when started so', () => {
    expect(cliInvocation({ npm_lifecycle_event: 'amg' }, '/repo/dist/cli/main.js', '/repo')).toBe('npm run amg --');
  });

  it('suggests the built CLI as it was started, relative to the working directory when under it', () => {
    expect(cliInvocation({}, '/repo/dist/cli/main.js', '/repo')).toBe('node dist/cli/main.js');
    expect(cliInvocation({}, '/repo/dist/cli/main.js', '/srv/gw')).toBe('node /repo/dist/cli/main.js');
  });

  it('suggests amg for the installed bin, and npx amg through npx', () => {
    expect(cliInvocation({}, '/usr/local/bin/amg', '/srv/gw')).toBe('amg');
    expect(cliInvocation({ npm_command: 'exec' }, '/srv/gw/node_modules/.bin/amg', '/srv/gw')).toBe('npx amg');
  });
});
