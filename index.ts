import { buildStack } from "./components/stack";

// Stack outputs: `proxies` (per proxy: URLs, SDK settings and snippet, DNS records, notes) and `warnings`.
export = buildStack();
