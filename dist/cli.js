#!/usr/bin/env node
import"node:util";import{m as f}from"./chunks/cli-cli-DkxY7IfG.js";import"node:child_process";import"node:crypto";import"node:fs/promises";import"node:path";import"process";import"buffer";import"node:vm";import"node:http";import"node:fs";export{f as main};
