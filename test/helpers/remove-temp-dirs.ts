// A setup file: each test file's temporary data directories go when the file is done.
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir.ts';

afterAll(removeTempDirs);
