import { describe, expect, it } from 'vitest';
import { cliInvocation } from './cli-invocation.js';

describe('cliInvocation', () => {
  it('suggests npm run amg -- only when started so', () => {
    expect(cliInvocation({ npm_lifecycle_event: 'amg' }, '/repo/dist/cli/main.js', '/repo')).toBe('npm run amg --');
  });

  it('suggests npm run amg -- under npm start in the checkout, as the README runs the CLI there', () => {
    const npmStart = { npm_lifecycle_event: 'start', npm_package_json: '/repo/package.json' };
    expect(
      cliInvocation({ ...npmStart, npm_package_name: 'ai-model-gateway' }, '/repo/dist/cli/main.js', '/repo'),
    ).toBe('npm run amg --');
    // Another package's start script running amg has no amg script of its own.
    expect(cliInvocation({ ...npmStart, npm_package_name: 'my-app' }, '/repo/dist/cli/main.js', '/repo')).toBe(
      'node dist/cli/main.js',
    );
    expect(
      cliInvocation({ ...npmStart, npm_package_name: 'ai-model-gateway' }, '/elsewhere/dist/cli/main.js', '/repo'),
    ).toBe('node /elsewhere/dist/cli/main.js');
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
