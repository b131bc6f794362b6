import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/** Where `npm run build` puts the console (apps/gateway/console/build.mjs), from the compiled or the source layout. */
const CANDIDATES = [
  join(__dirname, '..', '..', 'console'), // dist/apps/gateway/src/console → dist/apps/gateway/console
  join(__dirname, '..', '..', '..', '..', 'dist', 'apps', 'gateway', 'console'), // apps/gateway/src/console (ts-jest, ts-node)
];

const TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
});

/**
 * The page may load only its own files and call only this origin: no inline script, no other host
 * (the admin key it holds can go nowhere else), never framed.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-cache',
});

/** The part of the response the controller writes (Express's and Node's responses have it). */
interface RawResponse {
  statusCode: number;
  setHeader(name: string, value: string | number): unknown;
  end(body: Buffer): unknown;
}

/** The built console's files, read once (a few hundred kB at most); empty when it was not built. */
function loadFiles(): Map<string, { body: Buffer; type: string }> {
  const dir = CANDIDATES.find((d) => existsSync(join(d, 'index.html')));
  const files = new Map<string, { body: Buffer; type: string }>();
  if (!dir) return files;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return files;
}

/**
 * The operators' web console at `/console`: static files (Preact, built by `npm run build`) that
 * call the admin API with the admin key the operator signs in with (kept in the tab's
 * sessionStorage, sent as `Authorization`, never in a URL). The files themselves hold nothing
 * secret and need no key.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly files = loadFiles();

  @Get()
  index(@Res() res: RawResponse): void {
    this.serve('index.html', res);
  }

  @Get(':file')
  file(@Param('file') file: string, @Res() res: RawResponse): void {
    this.serve(file, res);
  }

  /** Writes the file's bytes as they are (a returned Buffer would be sent as JSON). */
  private serve(name: string, res: RawResponse): void {
    const file = this.files.get(name);
    if (!file) {
      throw new NotFoundException(
        this.files.size === 0 ? 'the console is not built: run npm run build' : `no file ${name.slice(0, 64)} in the console`,
      );
    }
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    res.statusCode = 200;
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Length', file.body.length);
    res.end(file.body);
  }
}
