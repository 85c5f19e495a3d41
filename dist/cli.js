#!/usr/bin/env node
import"node:fs/promises";import"node:util";import{m as d}from"./chunks/cli-cli-BmsiUC75.js";import"node:child_process";import"node:crypto";import"node:path";import"process";import"buffer";import"node:http";import"node:fs";export{d as main};
