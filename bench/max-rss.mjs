// Preloaded into a benchmarked process (`node --import`): reports its peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(`\npromptgate-bench-max-rss ${process.resourceUsage().maxRSS}\n`)
})
