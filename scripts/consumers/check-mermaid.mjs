// Parses a Mermaid file with Mermaid itself and prints what it read, as JSON:
// {"type", "title", "actors": [[id, label]], "messages": [[from, to, text, type]]},
// texts with Mermaid's entity codes (#59;) decoded as it would draw them.
// Exit 1 with the parser's error when the file is not a valid diagram.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitises labels with DOMPurify, which needs a DOM.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

// Mermaid keeps entity codes as placeholders until it renders; decode them the same way.
const decode = (text) =>
  String(text ?? '')
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, name) => `&${name};`);

const text = readFileSync(process.argv[2], 'utf8');
try {
  const parsed = await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  console.log(JSON.stringify({
    type: parsed.diagramType,
    title: decode(db.getDiagramTitle?.()),
    actors: [...db.getActors().values()].map((a) => [a.name, decode(a.description)]),
    messages: db.getMessages().map((m) => [m.from, m.to, decode(m.message), m.type]),
  }));
} catch (error) {
  console.error(`not a valid Mermaid diagram: ${error.message}`);
  process.exit(1);
}
