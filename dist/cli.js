#!/usr/bin/env node
import"node:fs/promises";import"node:util";import{m as b}from"./chunks/cli-cli-BuqGFbFC.js";import"node:child_process";import"process";import"buffer";import"node:crypto";import"node:http";import"node:fs";export{b as main};
