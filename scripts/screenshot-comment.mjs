// Renders a promptgate comment the way a reviewer sees it on GitHub, and screenshots it.
//
//   node scripts/screenshot-comment.mjs [comment.md] [--out docs/comment.png] [--html out.html]
//
// Without a file it runs `npm run demo` (needs `npm run bundle` first) and takes the comment the CLI
// prints. Markdown goes through `marked` (GFM) with a small GitHub-like stylesheet, GitHub's alert
// blockquotes (`> [!CAUTION]`) and its diff colouring added by hand, then headless Chromium
// (Debian: apt-get install chromium) takes the picture.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Marked } from 'marked'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function parseArgs(argv) {
  const options = { input: undefined, out: join(root, 'docs', 'comment.png'), html: undefined, width: 1000 }
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]
    if (arg === '--out') options.out = resolve(argv[++index])
    else if (arg === '--html') options.html = resolve(argv[++index])
    else if (arg === '--width') options.width = Number(argv[++index])
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`)
    else options.input = resolve(arg)
  }
  return options
}

function demoComment() {
  if (!existsSync(join(root, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: run `npm run bundle`')
  return execFileSync(process.execPath, [join(root, 'examples', 'demo.mjs')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore']
  })
}

const escapeHtml = text => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const ALERTS = {
  NOTE: ['note', 'Note', 'ℹ️'],
  TIP: ['tip', 'Tip', '💡'],
  IMPORTANT: ['important', 'Important', '❗'],
  WARNING: ['warning', 'Warning', '⚠️'],
  CAUTION: ['caution', 'Caution', '⛔']
}

/** marked with what GitHub adds to GFM: alert blockquotes and coloured diff lines. */
function createRenderer() {
  const marked = new Marked({ gfm: true, async: false })
  marked.use({
    renderer: {
      blockquote({ tokens }) {
        const body = this.parser.parse(tokens)
        const match = /^<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/.exec(body)
        if (!match) return `<blockquote>\n${body}</blockquote>\n`
        const [kind, title, icon] = ALERTS[match[1]]
        const rest = body.slice(match[0].length)
        const content = rest.startsWith('</p>') ? rest.slice(4) : `<p>${rest}`
        return `<div class="markdown-alert markdown-alert-${kind}"><p class="markdown-alert-title">${icon} ${title}</p>${content}</div>\n`
      },
      code({ text, lang }) {
        if (lang !== 'diff') return false
        const lines = text.split('\n').map(line => {
          const kind = line.startsWith('@@')
            ? 'hunk'
            : line.startsWith('+')
              ? 'add'
              : line.startsWith('-')
                ? 'del'
                : 'ctx'
          return `<span class="diff-${kind}">${escapeHtml(line) || ' '}</span>`
        })
        return `<pre class="diff"><code>${lines.join('')}</code></pre>\n`
      }
    }
  })
  return marked
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: #f6f8fa; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
.comment { max-width: 900px; margin: 0 auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
  border-radius: 6px 6px 0 0; color: #59636e; }
.comment-header strong { color: #1f2328; }
.comment-header .bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 7px; font-size: 12px; margin: 0 4px; }
.markdown-body { padding: 16px; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body > :last-child { margin-bottom: 0; }
p, ul, ol, table, pre, blockquote, details, .markdown-alert { margin: 0 0 16px; }
ul, ol { padding-left: 2em; }
li + li { margin-top: .25em; }
a { color: #0969da; text-decoration: none; }
hr { height: .25em; margin: 24px 0; padding: 0; background: #d1d9e0; border: 0; }
code { font: 85%/1.45 ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  padding: .2em .4em; background: rgba(129,139,152,.12); border-radius: 6px; }
pre { padding: 16px; overflow: auto; background: #f6f8fa; border-radius: 6px; }
pre code { display: block; padding: 0; background: none; font-size: 85%; white-space: pre; }
pre.diff code span { display: block; }
.diff-add { color: #116329; background: #dafbe1; }
.diff-del { color: #82071e; background: #ffebe9; }
.diff-hunk { color: #8250df; }
table { border-collapse: collapse; border-spacing: 0; display: block; width: max-content; max-width: 100%; overflow: auto; }
th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
details summary { cursor: pointer; display: list-item; }
details[open] > summary { margin-bottom: 16px; }
sub { font-size: 75%; color: #59636e; }
.markdown-alert { padding: 8px 16px; border-left: .25em solid; }
.markdown-alert > :last-child { margin-bottom: 0; }
.markdown-alert-title { font-weight: 500; margin-bottom: 4px; }
.markdown-alert-note { border-color: #0969da; } .markdown-alert-note .markdown-alert-title { color: #0969da; }
.markdown-alert-tip { border-color: #1a7f37; } .markdown-alert-tip .markdown-alert-title { color: #1a7f37; }
.markdown-alert-important { border-color: #8250df; } .markdown-alert-important .markdown-alert-title { color: #8250df; }
.markdown-alert-warning { border-color: #9a6700; } .markdown-alert-warning .markdown-alert-title { color: #9a6700; }
.markdown-alert-caution { border-color: #d1242f; } .markdown-alert-caution .markdown-alert-title { color: #d1242f; }
`

function page(markdown) {
  const body = createRenderer().parse(markdown)
  // No scripts and no network, whatever the markdown holds: GitHub would sanitise it, we just block it.
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>promptgate comment</title><style>${STYLE}</style></head>
<body><div class="comment">
<div class="comment-header"><strong>github-actions</strong><span class="bot">bot</span> commented</div>
<div class="markdown-body">
${body}</div></div></body></html>
`
}

function findChromium() {
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(candidate)) return candidate
  }
  throw new Error('no Chromium found: apt-get install -y chromium')
}

function screenshot(htmlPath, out, width) {
  const profile = mkdtempSync(join(tmpdir(), 'promptgate-chromium-'))
  try {
    const result = spawnSync(
      findChromium(),
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${out}`,
        `--window-size=${width},1600`,
        pathToFileURL(htmlPath).href
      ],
      { encoding: 'utf8', timeout: 60_000 }
    )
    if (result.status !== 0 || !existsSync(out)) {
      throw new Error(`chromium failed (${result.status}): ${result.stderr?.slice(-2000)}`)
    }
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

const options = parseArgs(process.argv.slice(2))
const markdown = options.input ? readFileSync(options.input, 'utf8') : demoComment()
const scratch = mkdtempSync(join(tmpdir(), 'promptgate-shot-'))
try {
  const htmlPath = options.html ?? join(scratch, 'comment.html')
  writeFileSync(htmlPath, page(markdown))
  screenshot(htmlPath, options.out, options.width)
  console.error(`promptgate: wrote ${options.out}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
