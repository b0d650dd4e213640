import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { registerEvtxCommands } from './evtx.js';
import { buildEvtx, V } from '../../formats/evtx/testing/build.js';
import { BASE_TIME, eventDataTemplate, systemValues } from '../../formats/evtx/testing/fixtures.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

async function run(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const program = new Command('vigil').exitOverride();
  registerEvtxCommands(program, { stdout, stderr });
  const saved = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'vigil', ...args]);
    return { stdout: stdout.text, stderr: stderr.text, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = saved;
  }
}

const TEMPLATE = eventDataTemplate('12121212-2222-3333-4444-555555555555', [{ name: 'Image', type: 0x01 }]);

function sample(ids: number[]): Buffer {
  return buildEvtx([{ records: ids.map((id) => ({ id, time: BASE_TIME, body: [{ instance: TEMPLATE, values: [...systemValues({ eventId: 1, recordId: id }), V.string(`C:\\x${id}.exe`)] }] })) }]);
}

test('vigil evtx dump prints JSON lines, XML on request, and reports unreadable files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-evtx-'));
  try {
    const good = join(dir, 'good.evtx');
    const bad = join(dir, 'bad.evtx');
    await writeFile(good, sample([1, 2]));
    await writeFile(bad, 'not an event log');

    const jsonl = await run(['evtx', 'dump', good]);
    assert.equal(jsonl.exitCode, 0);
    const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { recordId: number; event: { Event: { EventData: { Image: string } } } });
    assert.deepEqual(lines.map((l) => [l.recordId, l.event.Event.EventData.Image]), [[1, 'C:\\x1.exe'], [2, 'C:\\x2.exe']]);

    const xml = await run(['evtx', 'dump', '--format', 'xml', good]);
    assert.equal(xml.stdout.split('<Event ').length - 1, 2);
    assert.ok(xml.stdout.includes('<Data Name="Image">C:\\x2.exe</Data>'));

    const mixed = await run(['evtx', 'dump', good, bad, join(dir, 'missing.evtx')]);
    assert.equal(mixed.exitCode, 1);
    assert.equal(mixed.stdout.trim().split('\n').length, 2);
    assert.match(mixed.stderr, /bad\.evtx @0: not an EVTX file/);
    assert.match(mixed.stderr, /missing\.evtx: cannot open EVTX file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('vigil evtx dump reports damaged records with file and offset and keeps going', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-evtx-'));
  try {
    const buf = sample([1, 2, 3]);
    const second = buf.indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), 4096 + 512 + 4);
    buf[second + 28] = 0x7f;
    const path = join(dir, 'damaged.evtx');
    await writeFile(path, buf);
    const out = await run(['evtx', 'dump', path]);
    assert.equal(out.exitCode, 0);
    assert.deepEqual(out.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { recordId: number }).recordId), [1, 3]);
    assert.ok(out.stderr.includes(`damaged.evtx @${second + 28}: record BinXML`), out.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
