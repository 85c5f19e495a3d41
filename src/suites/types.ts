/** Something the user should fix that does not stop the run; main.ts shows it as a workflow warning. */
export interface PipelineWarning {
  message: string
  file?: string
  line?: number
}
