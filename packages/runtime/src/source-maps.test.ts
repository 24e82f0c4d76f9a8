import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

// In a plain Node process on the build, as a service's main.js starts (Jest has its own loader).
const dist = (pkg: string, file: string) => path.resolve(__dirname, '..', '..', pkg, 'dist', file);

describe('source maps of a service process', () => {
  it('When a service starts, then stack traces point into our TypeScript but no library source map is kept', async () => {
    const script = `
      require(${JSON.stringify(dist('runtime', 'source-maps.js'))});
      const { findSourceMap, getSourceMapsSupport } = require('node:module');
      const platform = require(${JSON.stringify(dist('platform', 'index.js'))});
      require('pdfkit'); // ships js/pdfkit.js.map
      const stack = platform.UnavailableError.dependency('s3', new Error('down')).stack;
      console.log(JSON.stringify({
        support: getSourceMapsSupport(),
        ours: /platform[/]src[/]errors[.]ts:/.test(stack),
        library: findSourceMap(require.resolve('pdfkit')) !== undefined,
      }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..', '..', '..', 'services', 'billing') });
    expect(JSON.parse(stdout)).toEqual({ support: { enabled: true, nodeModules: false, generatedCode: false }, ours: true, library: false });
  });
});
