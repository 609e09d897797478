import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';

export interface LineProblem {
  line: number | null;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * The YAML editor of the Config page (loaded only there: CodeMirror is most of the UI's weight). The linter asks
 * the gateway to validate the text as it is typed and marks each problem on its line.
 */
export function createEditor(
  parent: HTMLElement,
  doc: string,
  options: { readOnly: boolean; validate: (text: string) => Promise<LineProblem[]>; onChange: (text: string) => void },
): EditorView {
  const lint = linter(
    async (view) => {
      const problems = await options.validate(view.state.doc.toString());
      return problems.map((problem): Diagnostic => {
        const line = view.state.doc.line(Math.min(Math.max(problem.line ?? 1, 1), view.state.doc.lines));
        return { from: line.from, to: line.to, severity: problem.severity, message: problem.message };
      });
    },
    { delay: 400 },
  );
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle),
        yaml(),
        lintGutter(),
        lint,
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorState.readOnly.of(options.readOnly),
        EditorView.editable.of(!options.readOnly),
        EditorView.contentAttributes.of({ 'aria-label': 'Config YAML' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
}
