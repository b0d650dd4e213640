import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPORA } from '../../core/corpora.js';
import { readEvtx, readEvtxBuffer, toXml } from './index.js';
import { buildEvtx, V, type RecordSpec } from './testing/build.js';
import { BASE_TIME, eventDataTemplate, nestedContentTemplate, systemValues } from './testing/fixtures.js';

/**
 * Damaged input must never throw out of the reader, hang or loop: truncated and bit-flipped
 * copies (fixed seed, so failures reproduce) of built files and, when present, real samples.
 */

const CORPUS = join(CORPORA, 'evtx');
const SEED = 0x5eed1234;

/** mulberry32: small, deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function builtSample(): Buffer {
  const data = eventDataTemplate('99999999-2222-3333-4444-555555555555', [
    { name: 'S', type: 0x01 },
    { name: 'N', type: 0x08 },
    { name: 'A', type: 0x81 },
    { name: 'G', type: 0x0f },
    { name: 'B', type: 0x0e },
  ]);
  const nested = nestedContentTemplate('AAAAAAAA-2222-3333-4444-555555555555');
  const records: RecordSpec[] = [];
  for (let id = 1; id <= 12; id++) {
    const values = [V.string(`value ${id}`), V.uint32(id), V.array([V.string('a'), V.string('b')]), V.guid('01234567-89AB-CDEF-0123-456789ABCDEF'), V.binary(Buffer.from([id, 2, 3]))];
    records.push(
      id % 3 === 0
        ? { id, time: BASE_TIME, body: [{ instance: nested, values: [...systemValues({ eventId: 2, recordId: id }), V.binXml([{ instance: data, values: [...systemValues({ eventId: 3, recordId: id }), ...values] }])] }] }
        : { id, time: BASE_TIME, body: [{ instance: data, values: [...systemValues({ eventId: 1, recordId: id }), ...values] }] },
    );
  }
  return buildEvtx([{ records: records.slice(0, 6) }, { records: records.slice(6) }]);
}

function realSamples(limit: number): Buffer[] {
  if (!existsSync(CORPUS)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.evtx') && statSync(p).size <= 2 * 1024 * 1024) files.push(p);
    }
  };
  walk(CORPUS);
  files.sort();
  const step = Math.max(1, Math.floor(files.length / limit));
  return files.filter((_, i) => i % step === 0).slice(0, limit).map((f) => readFileSync(f));
}

/** Consumes every record (JSON and XML) of a buffer; returns the record count. */
function drain(buf: Buffer): number {
  let n = 0;
  let issues = 0;
  for (const record of readEvtxBuffer(buf, { onIssue: () => issues++ })) {
    toXml(record);
    JSON.stringify(record.event);
    n++;
  }
  return n + (issues < 0 ? 1 : 0);
}

/** Random bit flips; half of them aimed at the first records of a chunk, where BinXML lives. */
function flipped(original: Buffer, rnd: () => number, flips: number): Buffer {
  const buf = Buffer.from(original);
  for (let i = 0; i < flips; i++) {
    const chunk = Math.floor(rnd() * Math.max(1, Math.floor((buf.length - 4096) / 65536)));
    const at = rnd() < 0.5 ? 4096 + chunk * 65536 + Math.floor(rnd() * 4096) : Math.floor(rnd() * buf.length);
    if (at < buf.length) buf[at]! ^= 1 << Math.floor(rnd() * 8);
  }
  return buf;
}

test('bit-flipped copies never throw, hang or loop', { timeout: 120_000 }, () => {
  const rnd = prng(SEED);
  const samples = [builtSample(), ...realSamples(8)];
  let runs = 0;
  for (const sample of samples) {
    const clean = drain(sample);
    assert.ok(clean > 0);
    for (let i = 0; i < 60; i++) {
      const copy = flipped(sample, rnd, 1 + Math.floor(rnd() * 40));
      assert.doesNotThrow(() => drain(copy));
      runs++;
    }
  }
  assert.ok(runs >= 60);
});

test('truncated copies never throw and keep the records before the cut', { timeout: 120_000 }, () => {
  const rnd = prng(SEED + 1);
  const sample = builtSample();
  const all = drain(sample);
  let previous = 0;
  const cuts = Array.from({ length: 150 }, () => Math.floor(rnd() * sample.length)).sort((a, b) => a - b);
  for (const cut of cuts) {
    const n = drain(sample.subarray(0, cut));
    assert.ok(n <= all);
    assert.ok(n >= previous, 'a longer prefix never yields fewer records');
    previous = n;
  }
});

test('damaged files on disk go through the streaming reader without throwing', { timeout: 120_000 }, async () => {
  const rnd = prng(SEED + 2);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-evtx-fuzz-'));
  try {
    const samples = [builtSample(), ...realSamples(3)];
    let k = 0;
    for (const sample of samples) {
      for (let i = 0; i < 10; i++) {
        const path = join(dir, `copy-${k++}.evtx`);
        const damaged = i % 2 === 0 ? flipped(sample, rnd, 20) : sample.subarray(0, Math.floor(rnd() * sample.length));
        await writeFile(path, damaged);
        let issues = 0;
        for await (const record of readEvtx(path, { onIssue: () => issues++ })) toXml(record);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
