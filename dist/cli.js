#!/usr/bin/env node
import"node:util";import{m as u}from"./chunks/cli-cli-Cb_-5Wus.js";import"node:child_process";import"process";import"buffer";import"node:vm";import"node:crypto";import"node:fs/promises";import"node:path";import"node:http";import"node:fs";import"node:os";export{u as main};
